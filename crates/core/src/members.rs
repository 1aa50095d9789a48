//! The members spreadsheet an organisation imports (`email,display_name,role`
//! with a header; other columns ignored): its rows read into checked values,
//! or the reason each one is refused, before anything reaches the database.

use std::collections::HashSet;

use crate::credentials::Email;
use crate::error::ParseError;
use crate::names::DisplayName;
use crate::role::OrgRole;

/// Largest import accepted at once.
pub const MAX_ROWS: usize = 5_000;

/// One accepted row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub email: Email,
    pub name: DisplayName,
    pub role: OrgRole,
}

/// Why one row is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// Past [`MAX_ROWS`]: this row and the rest are not read.
    TooMany,
    /// Not readable as CSV (a stray quote, invalid UTF-8).
    Unreadable,
    /// An email already given on an earlier row.
    Duplicate,
    /// A cell that does not parse.
    Field(ParseError),
}

/// Why the whole file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetProblem {
    /// The header line cannot be read.
    Unreadable,
    /// The header lacks `email` or `display_name`.
    MissingColumns,
}

/// What a spreadsheet holds: accepted rows and refused ones, each with its
/// line number in the file (the header is line 1), in the file's order.
#[derive(Debug, Default)]
pub struct Sheet {
    pub rows: Vec<(u64, MemberRow)>,
    pub refused: Vec<(u64, RowProblem)>,
}

/// Reads a members spreadsheet. Cells are trimmed; a missing or empty role
/// means a plain member; column names match whatever their case.
pub fn read(text: &str) -> Result<Sheet, SheetProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| SheetProblem::Unreadable)?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(email_col), Some(name_col)) = (column("email"), column("display_name")) else {
        return Err(SheetProblem::MissingColumns);
    };
    let role_col = column("role");
    let mut sheet = Sheet::default();
    let mut seen = HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        if index >= MAX_ROWS {
            sheet.refused.push((line, RowProblem::TooMany));
            break;
        }
        let Ok(record) = record else {
            sheet.refused.push((line, RowProblem::Unreadable));
            continue;
        };
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let parsed = Email::parse(cell(Some(email_col))).and_then(|email| {
            let name = DisplayName::parse(cell(Some(name_col)))?;
            let role = match cell(role_col) {
                "" => OrgRole::Member,
                raw => OrgRole::parse(raw)?,
            };
            Ok(MemberRow { email, name, role })
        });
        match parsed {
            Ok(row) if !seen.insert(row.email.as_str().to_owned()) => {
                sheet.refused.push((line, RowProblem::Duplicate));
            }
            Ok(row) => sheet.rows.push((line, row)),
            Err(error) => sheet.refused.push((line, RowProblem::Field(error))),
        }
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;

    #[test]
    fn rows_are_read_and_refused_with_their_lines() {
        let text = "Email,Login,Display_Name,Role\n\
                    a@example.org,,Awa,admin\n\
                    not-an-email,,Bob,\n\
                    A@EXAMPLE.ORG,,Awa again,\n\
                    c@example.org,,Chloé\n\
                    d@example.org,,Dan,boss\n";
        let sheet = match read(text) {
            Ok(sheet) => sheet,
            Err(problem) => panic!("{problem:?}"),
        };
        let lines: Vec<(u64, &str, OrgRole)> = sheet
            .rows
            .iter()
            .map(|(l, r)| (*l, r.email.as_str(), r.role))
            .collect();
        assert_eq!(
            lines,
            [
                (2, "a@example.org", OrgRole::Admin),
                (5, "c@example.org", OrgRole::Member)
            ]
        );
        assert_eq!(
            sheet.refused,
            [
                (
                    3,
                    RowProblem::Field(ParseError::new("email", Invalid::Email))
                ),
                (4, RowProblem::Duplicate),
                (
                    6,
                    RowProblem::Field(ParseError::new("role", Invalid::Choice))
                ),
            ]
        );
    }

    #[test]
    fn a_file_without_the_columns_is_refused_whole() {
        assert_eq!(
            read("mail,name\na@example.org,Awa\n").map(|s| s.rows.len()),
            Err(SheetProblem::MissingColumns)
        );
        assert_eq!(
            read("").map(|s| s.rows.len()),
            Err(SheetProblem::MissingColumns)
        );
    }
}
