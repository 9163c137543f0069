//! Shared helpers for meta-secret's scenario tests.
