//! Recognising directory replication lag by its real signatures: a just-created object that another
//! request cannot see yet answers 404 (`Request_ResourceNotFound`, `Directory_ObjectNotFound`), or 400
//! saying it "does not exist" or, for a service principal of a new application,
//! `NoBackingApplicationObject`. Such answers are waited out (bounded), never treated as final.
//! <https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/>

use crate::graph::GraphAnswer;

/// Whether an answer is what replication lag looks like for an object the connector just created.
pub fn is_replication_lag(answer: &GraphAnswer) -> bool {
    match answer.status {
        404 => true,
        400 => answer.graph_error().is_some_and(|e| {
            e.has_code("NoBackingApplicationObject")
                || e.message_contains("does not exist")
                || e.message_contains("does not reference a valid application object")
        }),
        _ => false,
    }
}

/// Whether an answer says the object already exists (a duplicate write): a retried write whose first
/// attempt landed, or something already there.
pub fn is_duplicate(answer: &GraphAnswer) -> bool {
    match answer.status {
        409 => true,
        400 => answer.graph_error().is_some_and(|e| {
            e.message_contains("conflicting object")
                || e.message_contains("already exists")
                || e.has_code("Request_MultipleObjectsWithSameKeyValue")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_duplicate, is_replication_lag};
    use crate::error::ServiceAnswer;
    use crate::graph::GraphAnswer;
    use serde_json::json;

    fn answer(status: u16, code: &str, message: &str) -> GraphAnswer {
        GraphAnswer {
            status,
            headers: Default::default(),
            body: json!({"error": {"code": code, "message": message}}),
            details: ServiceAnswer::default(),
        }
    }

    #[test]
    fn lag_and_duplicates_are_told_apart() {
        assert!(is_replication_lag(&answer(
            404,
            "Request_ResourceNotFound",
            "Resource 'x' does not exist"
        )));
        assert!(is_replication_lag(&answer(
            400,
            "Request_BadRequest",
            "The appId 'x' of the service principal does not reference a valid application object."
        )));
        assert!(!is_replication_lag(&answer(
            400,
            "Request_BadRequest",
            "Invalid value"
        )));
        assert!(is_duplicate(&answer(
            400,
            "Request_BadRequest",
            "A conflicting object with one or more of the specified property values is present in the directory."
        )));
        assert!(is_duplicate(&answer(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "Permission entry already exists."
        )));
        assert!(!is_duplicate(&answer(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges"
        )));
    }
}
