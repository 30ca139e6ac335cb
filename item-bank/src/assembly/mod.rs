//! Blueprints and the drawing of forms from the bank.
