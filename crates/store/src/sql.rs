//! Building queries whose shape depends on the filters: numbered
//! placeholders and their arguments, bound in order on either database.

/// A value to bind, for queries whose shape depends on the filters.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Float(f64),
    Text(String),
}

/// Builds a WHERE clause with numbered placeholders.
#[derive(Default)]
pub(crate) struct Clauses {
    pub parts: Vec<String>,
    pub args: Vec<Arg>,
}

impl Clauses {
    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    pub fn list(&mut self, values: &[i64]) -> String {
        let marks: Vec<String> = values.iter().map(|v| self.arg(Arg::Int(*v))).collect();
        marks.join(", ")
    }

    pub fn push(&mut self, part: String) {
        self.parts.push(part);
    }

    pub fn where_sql(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.parts.join(" AND "))
        }
    }
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::sql::Arg::Int(v) => query.bind(*v),
                $crate::sql::Arg::Float(v) => query.bind(*v),
                $crate::sql::Arg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }};
}
pub(crate) use bind_all;
