//! OData query options on Graph lists and objects: `$filter`, `$select`, `$top`, `$count` and paging.
//!
//! [`QueryOptions::parse`] reads a list request's query string (and its `ConsistencyLevel` header) for
//! one [`EntitySet`], refusing what Graph refuses; [`QueryOptions::list_body`] then filters, pages and
//! projects the handler's objects into Graph's list body (`@odata.context`, `value`, `@odata.nextLink`).
//! Single objects use [`QueryOptions::parse_single`] and [`QueryOptions::entity_body`].
//!
//! What is supported, as Graph supports it on directory objects without advanced queries
//! (<https://learn.microsoft.com/en-us/graph/filter-query-parameter>,
//! <https://learn.microsoft.com/en-us/graph/aad-advanced-queries>):
//! `eq`, `in`, `and`, `or`, parentheses, `startswith(prop,'x')` / `startsWith`, string literals with `''`
//! escaping, bare GUID literals, `true`/`false`/`null`, and `coll/any(x:x eq 'v')` on string collections.
//! String comparisons ignore case, as the directory's do. `ne`, `not` and `endswith` need
//! `ConsistencyLevel: eventual` with `$count=true`, and are refused without them.
//! Properties a set does not support in `$filter` are refused with Graph's `Request_UnsupportedQuery`.

mod entity_sets;
mod filter;
mod query_options;
mod response;

pub use crate::graph::odata::entity_sets::{
    APP_ROLE_ASSIGNMENTS, APPLICATIONS, DIRECTORY_ROLES, DOMAINS, EntitySet, FilterProperty,
    MEMBER_OF, OAUTH2_PERMISSION_GRANTS, ORGANIZATION, ROLE_ASSIGNMENT_SCHEDULE_INSTANCES,
    ROLE_ASSIGNMENTS, ROLE_DEFINITIONS, ROLE_ELIGIBILITY_SCHEDULE_INSTANCES, SERVICE_PRINCIPALS,
    USERS, expandable,
};
pub use crate::graph::odata::filter::{Filter, Literal, parse_filter};
pub use crate::graph::odata::query_options::{
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, QueryOptions, eventual,
};
pub use crate::graph::odata::response::{
    GRAPH_V1_ROOT, ODATA_JSON, collection_context, entity_context, json_response, no_content,
};
