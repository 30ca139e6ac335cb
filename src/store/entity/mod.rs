//! The sea-orm entities, one per table. Never wire types: routes map them to response types.

pub mod api_client;
pub mod audit_record;
pub mod ban;
pub mod blueprint;
pub mod calibration_run;
pub mod candidate;
pub mod certificate;
pub mod feed_event;
pub mod flag;
pub mod graded_response;
pub mod integrity_event;
pub mod item;
pub mod item_param;
pub mod item_transition;
pub mod media;
pub mod proctor_action;
pub mod registration;
pub mod response_event;
pub mod result;
pub mod review;
pub mod session;
pub mod session_item;
pub mod session_section;
pub mod signing_key;
pub mod sitting;
pub mod user;
