//! TwiML, the XML answer a TwiML-compatible provider follows during a call:
//! speak, play, gather keypad digits, record, bridge a call, redirect or
//! hang up. Every text and address is escaped.

/// One instruction of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    /// Text to speech, in a BCP 47 language (`fr-FR`, `en-GB`).
    Say {
        language: &'static str,
        text: String,
    },
    /// An audio file the provider fetches.
    Play(String),
    /// A short silence, in seconds.
    Pause(u32),
    /// Reads keypad digits, then posts them to `action`; the nested verbs
    /// play while the caller may already type.
    Gather {
        action: String,
        /// Stop after this many digits (none: wait for `#` or the timeout).
        num_digits: Option<u32>,
        timeout: u32,
        inside: Vec<Verb>,
    },
    /// Records the caller after a beep; `status` hears when the recording
    /// is ready to fetch.
    Record {
        action: String,
        status: String,
        max_seconds: u32,
    },
    /// Bridges the call to `number`, showing `caller_id`; the provider then
    /// posts to `action`.
    Dial {
        number: String,
        caller_id: String,
        action: String,
    },
    Redirect(String),
    Hangup,
}

/// A whole answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Twiml(pub Vec<Verb>);

impl Twiml {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn then(mut self, verb: Verb) -> Self {
        self.0.push(verb);
        self
    }

    pub fn say(self, language: &'static str, text: impl Into<String>) -> Self {
        self.then(Verb::Say {
            language,
            text: text.into(),
        })
    }

    /// The XML document.
    pub fn render(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
        for verb in &self.0 {
            write_verb(&mut out, verb);
        }
        out.push_str("</Response>");
        out
    }
}

fn write_verb(out: &mut String, verb: &Verb) {
    match verb {
        Verb::Say { language, text } => {
            out.push_str(&format!(
                "<Say language=\"{}\">{}</Say>",
                escape(language),
                escape(text)
            ));
        }
        Verb::Play(url) => out.push_str(&format!("<Play>{}</Play>", escape(url))),
        Verb::Pause(seconds) => out.push_str(&format!("<Pause length=\"{seconds}\"/>")),
        Verb::Gather {
            action,
            num_digits,
            timeout,
            inside,
        } => {
            out.push_str(&format!(
                "<Gather input=\"dtmf\" method=\"POST\" action=\"{}\" timeout=\"{timeout}\"",
                escape(action)
            ));
            if let Some(n) = num_digits {
                out.push_str(&format!(" numDigits=\"{n}\""));
            }
            out.push('>');
            for verb in inside {
                write_verb(out, verb);
            }
            out.push_str("</Gather>");
        }
        Verb::Record {
            action,
            status,
            max_seconds,
        } => out.push_str(&format!(
            "<Record method=\"POST\" action=\"{}\" maxLength=\"{max_seconds}\" playBeep=\"true\" \
             recordingStatusCallback=\"{}\" recordingStatusCallbackMethod=\"POST\" \
             recordingStatusCallbackEvent=\"completed\"/>",
            escape(action),
            escape(status)
        )),
        Verb::Dial {
            number,
            caller_id,
            action,
        } => out.push_str(&format!(
            "<Dial method=\"POST\" action=\"{}\" callerId=\"{}\" timeout=\"30\"><Number>{}</Number></Dial>",
            escape(action),
            escape(caller_id),
            escape(number)
        )),
        Verb::Redirect(url) => out.push_str(&format!(
            "<Redirect method=\"POST\">{}</Redirect>",
            escape(url)
        )),
        Verb::Hangup => out.push_str("<Hangup/>"),
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_and_escaped_verbs() {
        let answer = Twiml::new()
            .then(Verb::Gather {
                action: "/t/1/pin?a=1&b=2".into(),
                num_digits: None,
                timeout: 8,
                inside: vec![Verb::Say {
                    language: "fr-FR",
                    text: "Tapez <votre> code & « dièse »".into(),
                }],
            })
            .then(Verb::Hangup)
            .render();
        assert_eq!(
            answer,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\
             <Gather input=\"dtmf\" method=\"POST\" action=\"/t/1/pin?a=1&amp;b=2\" timeout=\"8\">\
             <Say language=\"fr-FR\">Tapez &lt;votre&gt; code &amp; « dièse »</Say></Gather>\
             <Hangup/></Response>"
        );
        assert_eq!(escape("a\u{0}b\"'"), "ab&quot;&apos;");
    }
}
