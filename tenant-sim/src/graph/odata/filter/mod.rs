//! `$filter`: the lexer ([`lexer`]), the parser that checks each property against the entity set and
//! Graph's rules ([`parser`]), and the expression tree that evaluates against Graph JSON ([`eval`]).

mod eval;
mod lexer;
mod parser;

pub use crate::graph::odata::filter::eval::{Filter, Literal};
pub use crate::graph::odata::filter::parser::parse_filter;
