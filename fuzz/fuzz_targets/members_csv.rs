//! The members spreadsheet an organisation imports: any file is read
//! without a panic into accepted and refused rows, one verdict per line at
//! most, never the same email twice; and accepted rows, written back as
//! CSV, read again to the same rows with nothing refused.
#![no_main]

use entraide_core::members::{MAX_ROWS, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(sheet) = read(text) else { return };
    let mut lines: Vec<u64> = sheet.rows.iter().map(|(l, _)| *l).collect();
    lines.extend(sheet.refused.iter().map(|(l, _)| *l));
    let count = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), count, "a line has two verdicts");
    assert!(
        lines.first().is_none_or(|l| *l >= 2),
        "the header is line 1"
    );
    assert!(count <= MAX_ROWS + 1);
    let mut emails: Vec<&str> = sheet.rows.iter().map(|(_, r)| r.email.as_str()).collect();
    emails.sort_unstable();
    let before = emails.len();
    emails.dedup();
    assert_eq!(emails.len(), before, "an email accepted twice");

    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["email", "display_name", "role"])
        .unwrap();
    for (_, row) in &sheet.rows {
        writer
            .write_record([row.email.as_str(), row.name.as_str(), row.role.key()])
            .unwrap();
    }
    let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let again = read(&written).expect("a written sheet has its header");
    assert!(
        again.refused.is_empty(),
        "{:?} in {written:?}",
        again.refused
    );
    let rows = |s: &entraide_core::members::Sheet| {
        s.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()
    };
    assert_eq!(rows(&again), rows(&sheet));
});
