//! The cost the request path pays for its metrics: a request to the save route through the `record`
//! middleware (the route pattern looked up, one histogram observed) against the same request without it,
//! in an app that serves every route pattern of the API (`save_request_*`) and in one that serves the
//! save route alone (`save_route_alone_*`, where routing costs little and the middleware's own cost
//! shows); and `observe_request` alone.
//!
//! Run: `cargo bench -p synaq --bench metrics`

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use actix_web::dev::Service;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, test, web};
use criterion::{Criterion, criterion_group, criterion_main};
use synaq::metrics::Metrics;
use utoipa::OpenApi;

const SAVE_ROUTE: &str = "/api/v1/sessions/{id}/responses/{position}";

/// Every path pattern of the API, each served by a handler that does nothing.
fn routes(cfg: &mut web::ServiceConfig) {
    for path in synaq::routes::openapi::ApiDoc::openapi().paths.paths.keys() {
        cfg.route(path, web::to(HttpResponse::Ok));
    }
}

/// The save route alone: the cost of routing among many patterns left out, so the middleware's own
/// shows.
fn save_route(cfg: &mut web::ServiceConfig) {
    cfg.route(SAVE_ROUTE, web::put().to(HttpResponse::Ok));
}

/// The output of a future that is ready at its first poll (a handler that does nothing is), without the
/// cost of a runtime's `block_on`.
fn at_once<F: Future>(f: F) -> F::Output {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the app answers at once"),
    }
}

fn request_path(c: &mut Criterion) {
    let save_request = || {
        test::TestRequest::put()
            .uri("/api/v1/sessions/0193a5b2-7c4e-7d1a-9f3e-2b8c4d6e8f01/responses/17")
            .to_request()
    };
    let system = actix_web::rt::System::new();
    let metrics = web::Data::new(Metrics::default());
    for (name, configure) in [
        ("save_request", routes as fn(&mut web::ServiceConfig)),
        ("save_route_alone", save_route),
    ] {
        let bare = system.block_on(test::init_service(App::new().configure(configure)));
        let measured = system.block_on(test::init_service(
            App::new()
                .wrap(from_fn(synaq::metrics::requests::record))
                .app_data(metrics.clone())
                .configure(configure),
        ));
        let bare_status = at_once(bare.call(save_request())).unwrap().status();
        let measured_status = at_once(measured.call(save_request())).unwrap().status();
        assert_eq!(
            (bare_status, measured_status),
            (StatusCode::OK, StatusCode::OK)
        );
        c.bench_function(&format!("{name}_without_metrics"), |b| {
            b.iter(|| black_box(at_once(bare.call(save_request())).unwrap()))
        });
        c.bench_function(&format!("{name}_with_metrics"), |b| {
            b.iter(|| black_box(at_once(measured.call(save_request())).unwrap()))
        });
    }
    c.bench_function("observe_request", |b| {
        b.iter(|| {
            metrics.observe_request(
                &Method::PUT,
                Some(black_box(SAVE_ROUTE).to_owned()),
                StatusCode::OK,
                black_box(Duration::from_micros(2_000)),
            )
        })
    });
}

criterion_group!(benches, request_path);
criterion_main!(benches);
