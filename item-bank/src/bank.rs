//! The item bank as authors write it: items, blueprints and their file format.
