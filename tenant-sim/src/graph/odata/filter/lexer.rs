//! The `$filter` lexer: identifiers, string literals (with `''` escaping), GUIDs, booleans, `null`,
//! integers and punctuation, with the offsets Graph names in its syntax errors.

use uuid::Uuid;

use crate::graph::error::GraphError;
use crate::graph::odata::filter::eval::Literal;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    Identifier(String),
    Literal(Literal),
    OpenParen,
    CloseParen,
    Comma,
    Colon,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) offset: usize,
}

pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, GraphError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let (offset, c) = chars[index];
        match c {
            c if c.is_whitespace() => index += 1,
            '(' | ')' | ',' | ':' => {
                let kind = match c {
                    '(' => TokenKind::OpenParen,
                    ')' => TokenKind::CloseParen,
                    ',' => TokenKind::Comma,
                    _ => TokenKind::Colon,
                };
                tokens.push(Token { kind, offset });
                index += 1;
            }
            '\'' => {
                let mut value = String::new();
                index += 1;
                loop {
                    match chars.get(index) {
                        None => {
                            return Err(GraphError::invalid_filter(&format!(
                                "There is an unterminated string literal at position {} in '{text}'.",
                                text.len()
                            )));
                        }
                        Some((_, '\''))
                            if chars.get(index + 1).is_some_and(|(_, next)| *next == '\'') =>
                        {
                            value.push('\'');
                            index += 2;
                        }
                        Some((_, '\'')) => {
                            index += 1;
                            break;
                        }
                        Some((_, other)) => {
                            value.push(*other);
                            index += 1;
                        }
                    }
                }
                tokens.push(Token {
                    kind: TokenKind::Literal(Literal::String(value)),
                    offset,
                });
            }
            c if c.is_ascii_alphanumeric()
                || c == '_'
                || c == '-'
                || c == '/'
                || c == '.'
                || c == '@' =>
            {
                let start = index;
                while index < chars.len() {
                    let c = chars[index].1;
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '.' | '@') {
                        index += 1;
                    } else {
                        break;
                    }
                }
                let word: String = chars[start..index].iter().map(|(_, c)| c).collect();
                tokens.push(Token {
                    kind: classify_word(&word),
                    offset,
                });
            }
            other => {
                return Err(GraphError::invalid_filter(&format!(
                    "Syntax error: character '{other}' is not valid at position {offset} in '{text}'."
                )));
            }
        }
    }
    Ok(tokens)
}

fn classify_word(word: &str) -> TokenKind {
    if word.len() == 36
        && let Ok(id) = Uuid::try_parse(word)
    {
        return TokenKind::Literal(Literal::Guid(id));
    }
    match word {
        "true" => return TokenKind::Literal(Literal::Boolean(true)),
        "false" => return TokenKind::Literal(Literal::Boolean(false)),
        "null" => return TokenKind::Literal(Literal::Null),
        _ => {}
    }
    if let Ok(number) = word.parse::<i64>() {
        return TokenKind::Literal(Literal::Integer(number));
    }
    TokenKind::Identifier(word.to_owned())
}
