//! Extractors for what a candidate's request tells about its origin: the client address (behind trusted
//! proxies), the browser, the absolute URL and the Safe Exam Browser headers.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::{Authorized, Candidates};
use crate::error::ApiError;
use crate::net::client_address;
use crate::services::AppState;
use crate::services::access::{CandidateCall, ClientFacts};

/// The longest `User-Agent` kept.
const MAX_USER_AGENT: usize = 512;

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The facts of `req`, with the settings' trusted proxies and public base URL.
pub fn facts_of(req: &HttpRequest) -> ClientFacts {
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered");
    let peer = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |a| a.ip());
    let ip = client_address(
        peer,
        header(req, "X-Forwarded-For"),
        &state.settings.trusted_proxies,
    );
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    ClientFacts {
        ip,
        user_agent: header(req, "User-Agent")
            .unwrap_or("")
            .chars()
            .take(MAX_USER_AGENT)
            .collect(),
        url: format!("{}{path}", state.settings.public_base()),
        config_key_hash: header(req, "X-SafeExamBrowser-ConfigKeyHash").map(str::to_owned),
        request_hash: header(req, "X-SafeExamBrowser-RequestHash").map(str::to_owned),
    }
}

impl FromRequest for ClientFacts {
    type Error = ApiError;
    type Future = Ready<Result<ClientFacts, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(facts_of(req)))
    }
}

impl FromRequest for CandidateCall {
    type Error = ApiError;
    type Future = Ready<Result<CandidateCall, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Authorized::<Candidates>::from_request(req, payload).into_inner();
        ready(auth.map(|a| CandidateCall {
            principal: a.principal,
            facts: facts_of(req),
        }))
    }
}
