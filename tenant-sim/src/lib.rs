//! tenant-sim: an offline Microsoft 365 tenant. (Skeleton: filled in by issue #3.)
