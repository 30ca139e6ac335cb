//! Grading of typed answers (gap-fill and short answer) under an author-chosen matching policy.
