//! The `$filter` parser: `or`, `and`, `not`, parentheses, comparisons, `in`, `startswith`/`endswith`
//! and `any`, each property checked against what the entity set supports and each literal against the
//! property's type, with Graph's refusals.

use crate::graph::error::GraphError;
use crate::graph::odata::entity_sets::{EntitySet, FilterProperty};
use crate::graph::odata::filter::eval::{Filter, Literal};
use crate::graph::odata::filter::lexer::{Token, TokenKind, tokenize};
use crate::graph::schema::{self, Kind};

/// Parses `text` as a `$filter` for `set`. `advanced` allows `ne`, `not` and `endswith`.
pub fn parse_filter(text: &str, set: &EntitySet, advanced: bool) -> Result<Filter, GraphError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        position: 0,
        set,
        advanced,
    };
    let filter = parser.or_expression()?;
    if let Some(token) = parser.tokens.get(parser.position) {
        return Err(syntax_error(text, token.offset));
    }
    Ok(filter)
}

fn syntax_error(text: &str, offset: usize) -> GraphError {
    GraphError::invalid_filter(&format!("Syntax error at position {offset} in '{text}'."))
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    position: usize,
    set: &'a EntitySet,
    advanced: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.position).map(|token| &token.kind)
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(TokenKind::Identifier(word)) if word.eq_ignore_ascii_case(keyword))
    }

    fn offset(&self) -> usize {
        self.tokens
            .get(self.position)
            .map_or(self.text.len(), |token| token.offset)
    }

    fn next(&mut self) -> Result<TokenKind, GraphError> {
        let token = self.tokens.get(self.position).cloned().ok_or_else(|| {
            GraphError::invalid_filter(&format!(
                "Expression expected at position {} in '{}'.",
                self.text.len(),
                self.text
            ))
        })?;
        self.position += 1;
        Ok(token.kind)
    }

    fn expect(&mut self, expected: &TokenKind) -> Result<(), GraphError> {
        let offset = self.offset();
        if self.next()? == *expected {
            Ok(())
        } else {
            Err(syntax_error(self.text, offset))
        }
    }

    fn or_expression(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and_expression()?;
        while self.peek_keyword("or") {
            self.position += 1;
            let right = self.and_expression()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expression(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.position += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, GraphError> {
        if self.peek_keyword("not") {
            self.position += 1;
            let inner = self.unary()?;
            if !self.advanced {
                return Err(needs_advanced("not"));
            }
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, GraphError> {
        let offset = self.offset();
        match self.next()? {
            TokenKind::OpenParen => {
                let inner = self.or_expression()?;
                self.expect(&TokenKind::CloseParen)?;
                Ok(inner)
            }
            TokenKind::Identifier(word) => {
                if self.peek() == Some(&TokenKind::OpenParen) {
                    if let Some(collection) = word.strip_suffix("/any") {
                        return self.any(collection.to_owned());
                    }
                    return self.function(&word);
                }
                self.comparison(word)
            }
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    /// `name(prop, 'text')` for startswith / endswith; other functions are refused.
    fn function(&mut self, name: &str) -> Result<Filter, GraphError> {
        let lower = name.to_ascii_lowercase();
        if lower != "startswith" && lower != "endswith" {
            let operator = match lower.as_str() {
                "contains" => "Contains".to_owned(),
                _ => name.to_owned(),
            };
            return Err(GraphError::unsupported_query(format!(
                "Unsupported property filter clause operator '{operator}'."
            )));
        }
        self.expect(&TokenKind::OpenParen)?;
        let offset = self.offset();
        let TokenKind::Identifier(property) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::Comma)?;
        let offset = self.offset();
        let TokenKind::Literal(Literal::String(text)) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::CloseParen)?;
        if lower == "endswith" {
            if !self.advanced {
                return Err(needs_advanced("endsWith"));
            }
            self.scalar_property(&property)?;
            return Ok(Filter::EndsWith(property, text));
        }
        let supported = self.scalar_property(&property)?;
        if !supported.starts_with {
            return Err(self.unsupported_property(&property));
        }
        Ok(Filter::StartsWith(property, text))
    }

    /// `coll/any(x: x eq literal)`.
    fn any(&mut self, collection: String) -> Result<Filter, GraphError> {
        self.expect(&TokenKind::OpenParen)?;
        let offset = self.offset();
        let TokenKind::Identifier(variable) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::Colon)?;
        let offset = self.offset();
        let TokenKind::Identifier(operand) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        let supported = self.set.filter_property(&collection);
        if !supported.is_some_and(|property| property.collection) {
            return Err(self.unsupported_property(&collection));
        }
        if operand != variable {
            // `requiredResourceAccess/any(c:c/resourceAppId eq '…')` and the like.
            return Err(GraphError::unsupported_query(format!(
                "Complex query on property {collection} is not supported."
            )));
        }
        let offset = self.offset();
        let operator = self.next()?;
        if !matches!(&operator, TokenKind::Identifier(word) if word.eq_ignore_ascii_case("eq")) {
            return Err(syntax_error(self.text, offset));
        }
        let literal = self.literal()?;
        self.expect(&TokenKind::CloseParen)?;
        Ok(Filter::Any(collection, literal))
    }

    /// `prop op literal`.
    fn comparison(&mut self, property: String) -> Result<Filter, GraphError> {
        let offset = self.offset();
        let TokenKind::Identifier(operator) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        let operator = operator.to_ascii_lowercase();
        match operator.as_str() {
            "eq" | "ne" => {
                let literal = self.literal()?;
                self.scalar_property(&property)?;
                self.check_literal_type(&property, &literal, &operator)?;
                if operator == "ne" {
                    if !self.advanced {
                        return Err(GraphError::unsupported_query(
                            "Unsupported property filter clause operator 'NotEqualsMatch'.",
                        ));
                    }
                    return Ok(Filter::Ne(property, literal));
                }
                Ok(Filter::Eq(property, literal))
            }
            "in" => {
                self.expect(&TokenKind::OpenParen)?;
                let mut literals = vec![self.literal()?];
                while self.peek() == Some(&TokenKind::Comma) {
                    self.position += 1;
                    literals.push(self.literal()?);
                }
                self.expect(&TokenKind::CloseParen)?;
                self.scalar_property(&property)?;
                for literal in &literals {
                    self.check_literal_type(&property, literal, "eq")?;
                }
                Ok(Filter::In(property, literals))
            }
            "gt" | "ge" | "lt" | "le" | "has" => {
                self.literal()?;
                Err(GraphError::unsupported_query("Unsupported query."))
            }
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    fn literal(&mut self) -> Result<Literal, GraphError> {
        let offset = self.offset();
        match self.next()? {
            TokenKind::Literal(literal) => Ok(literal),
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    /// The set's support for a single-valued `property`, or Graph's refusal.
    fn scalar_property(&self, property: &str) -> Result<FilterProperty, GraphError> {
        match self.set.filter_property(property) {
            Some(supported) if !supported.collection => Ok(*supported),
            _ => Err(self.unsupported_property(property)),
        }
    }

    fn unsupported_property(&self, property: &str) -> GraphError {
        // <https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/2552>
        GraphError::unsupported_query(format!(
            "Unsupported or invalid query filter clause specified for property '{property}' of resource '{}'.",
            self.set.resource
        ))
    }

    /// ODataLib refuses comparing a string property with a GUID literal (and the reverse).
    fn check_literal_type(
        &self,
        property: &str,
        literal: &Literal,
        operator: &str,
    ) -> Result<(), GraphError> {
        let declared = schema::graph_type(self.set.type_name)
            .and_then(|graph_type| graph_type.property(property))
            .map(|declared| declared.kind);
        let property_edm = match declared {
            Some(Kind::Guid) => "Edm.Guid",
            Some(Kind::Boolean) => "Edm.Boolean",
            Some(Kind::Int32) => "Edm.Int32",
            Some(Kind::DateTimeOffset) => "Edm.DateTimeOffset",
            _ => "Edm.String",
        };
        let literal_edm = match literal {
            Literal::String(_) => "Edm.String",
            Literal::Guid(_) => "Edm.Guid",
            Literal::Boolean(_) => "Edm.Boolean",
            Literal::Integer(_) => "Edm.Int32",
            Literal::Null => return Ok(()),
        };
        // A GUID property accepts a quoted GUID as well (Graph's own docs filter appRoleAssignments that way).
        let compatible = property_edm == literal_edm
            || (property_edm == "Edm.Guid" && literal_edm == "Edm.String")
            || (declared.is_none() && !matches!(literal, Literal::Guid(_)));
        if compatible {
            return Ok(());
        }
        let kind = if operator == "ne" {
            "NotEqual"
        } else {
            "Equal"
        };
        Err(GraphError::invalid_filter(&format!(
            "A binary operator with incompatible types was detected. Found operand types '{property_edm}' and '{literal_edm}' for operator kind '{kind}'."
        )))
    }
}

/// The refusal for an operator that needs advanced query parameters. The wording follows Graph's answer
/// for a raw `$count` without them (<https://github.com/azurekid/ScEntra/issues/17>).
fn needs_advanced(operator: &str) -> GraphError {
    GraphError::unsupported_query(format!(
        "Operator '{operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
    ))
}
