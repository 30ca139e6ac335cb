//! The Synaq schema, forward-only.
