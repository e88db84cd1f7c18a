//! The Microsoft 365 connector plugin. (Skeleton: filled in by issue #2.)
