//! Search terms for French (and English) text: lower-cased, accents folded,
//! common words dropped, stemmed. The store indexes these terms in a plain
//! table, so SQLite and PostgreSQL find exactly the same things: «âgée»
//! finds «agees», «bricoler» finds «bricolage».

use rust_stemmers::{Algorithm, Stemmer};

/// Words too common to search on (French first, then a few English ones).
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "en",
    "et", "il", "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "mon", "ne",
    "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se",
    "ses", "son", "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "an",
    "and", "for", "in", "of", "on", "or", "the", "to", "with",
];

/// Longest term kept, in bytes (longer words are cut, not dropped).
const MAX_TERM: usize = 40;

/// Lower-cases and removes French diacritics (`Œ` becomes `oe`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' | 'ý' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            other => out.push(other),
        }
    }
    out
}

/// The stem of one folded word. Snowball's French stemmer keeps the noun
/// suffix «-age» (bricolage → bricolag) while it strips the verb ending
/// (bricoler → bricol); dropping a final «ag» joins the two.
fn stem(stemmer: &Stemmer, word: &str) -> String {
    let stemmed = stemmer.stem(word);
    let stemmed = stemmed.as_ref();
    let joined = match stemmed.strip_suffix("ag") {
        Some(base) if base.chars().count() >= 4 => base,
        _ => stemmed,
    };
    let mut end = joined.len().min(MAX_TERM);
    while !joined.is_char_boundary(end) {
        end -= 1;
    }
    joined[..end].to_owned()
}

/// The distinct search terms of a text, in order of first appearance.
pub fn terms(text: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::French);
    let folded = fold(text);
    let mut out: Vec<String> = Vec::new();
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() < 2 || STOP_WORDS.contains(&word) {
            continue;
        }
        let term = stem(&stemmer, word);
        if !term.is_empty() && !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

/// Terms of a query, at most `limit` of them (a longer query is cut, which
/// keeps the database's work bounded).
pub fn query_terms(query: &str, limit: usize) -> Vec<String> {
    let mut terms = terms(query);
    terms.truncate(limit);
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold() {
        assert_eq!(fold("Âgée, ÉTÉ, cœur, Noël"), "agee, ete, coeur, noel");
    }

    #[test]
    fn the_examples_of_the_search_promise_hold() {
        assert_eq!(terms("âgée"), terms("agees"));
        assert_eq!(terms("bricoler"), terms("bricolage"));
        assert_eq!(terms("jardinage"), terms("jardiner"));
        assert_eq!(terms("Déménagement"), terms("déménager"));
        assert_eq!(terms("visites"), terms("visiter"));
    }

    #[test]
    fn common_words_and_duplicates_are_dropped() {
        assert_eq!(
            terms("Aide pour les courses et les courses"),
            vec!["aid", "cours"]
        );
        assert!(terms("de la, et... à").is_empty());
        assert_eq!(query_terms("un deux trois quatre", 2).len(), 2);
        let long = "a".repeat(100);
        assert!(terms(&long)[0].len() <= MAX_TERM);
    }
}
