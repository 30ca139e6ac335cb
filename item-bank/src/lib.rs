//! Everything that reasons about test items, with no I/O framework: Kazakh text handling, grading of one
//! response, item response theory, the assembly of forms from a bank, and the scoring of a section.
//!
//! The crate is pure so that it compiles and tests in seconds and can be fuzzed and property-tested alone;
//! the `synaq` server is the only place that knows about HTTP or SQL.

pub mod assembly;
pub mod bank;
pub mod content;
pub mod grading;
pub mod irt;
pub mod kazakh;
pub mod scoring;
