//! Search queries: any text gives a bounded list of distinct, non-empty,
//! short terms, and folding is stable.
#![no_main]

use entraide_core::text::{fold, query_terms, terms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    let folded = fold(raw);
    assert_eq!(fold(&folded), folded, "folding twice changes nothing");
    let all = terms(raw);
    for (i, term) in all.iter().enumerate() {
        assert!(!term.is_empty() && term.len() <= 40, "{term:?}");
        assert!(!all[..i].contains(term), "a term twice: {term:?}");
    }
    let few = query_terms(raw, 8);
    assert!(few.len() <= 8);
    assert_eq!(few.as_slice(), &all[..all.len().min(8)]);
});
