//! tenant-sim: an offline Microsoft 365 tenant. (Skeleton: filled in by issues #3 and #4.)

pub mod graph;
