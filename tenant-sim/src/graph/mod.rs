//! Microsoft Graph v1.0 (issue #4).
