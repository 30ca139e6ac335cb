//! Who is calling: signing keys, access tokens, password and access-code hashes (bounded by
//! [`hashing`]), and the extractor that turns a bearer token into a [`Principal`] with a [`Role`].

pub mod bearer;
pub mod hashing;
pub mod keys;
pub mod principal;
pub mod recent;
pub mod secrets;
pub mod throttle;
pub mod tokens;

pub use keys::KeyRing;
pub use principal::{
    Admins, Authorized, Authors, Candidates, CentreStaff, Principal, Proctors, ResultsReaders,
    Role, Supervisors, TokenVerifier,
};
