//! Checks against published estimates (LSAT6, LSAT7), parameter recovery and properties.

use super::*;

fn reference(file: &str) -> ResponseMatrix {
    let path = format!(
        "{}/../../shared/reference/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    ResponseMatrix::from_csv(&std::fs::read_to_string(path).expect("reference data present"))
        .expect("valid CSV")
}

fn fit(file: &str, model: CalibrationModel, parameterization: Parameterization) -> Calibration {
    let mut options = CalibrationOptions::new(model);
    options.tolerance = 1e-7;
    options.parameterization = parameterization;
    let cal = calibrate(&reference(file), &options).expect("calibrates");
    assert!(cal.converged, "{file} {model:?} did not converge");
    cal
}

fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= tol,
            "{what}: got {got:?}, published {want:?}"
        );
    }
}

#[test]
fn lsat7_2pl_matches_published() {
    let cal = fit(
        "LSAT7_patterns.csv",
        CalibrationModel::TwoPl,
        Parameterization::Intercept,
    );
    let a: Vec<f64> = cal.items.iter().map(|i| i.params.a()).collect();
    let d: Vec<f64> = cal.items.iter().map(|i| i.params.locations()[0]).collect();
    assert_close("a", &a, &[0.9877, 1.0808, 1.7066, 0.7650, 0.7357], 2e-3);
    assert_close("d", &d, &[1.8560, 0.8080, 1.8045, 0.4860, 1.8545], 2e-3);
    assert_close("logL", &[cal.log_likelihood], &[-2658.805], 1e-3);
}

#[test]
fn lsat7_rasch_matches_published() {
    let cal = fit(
        "LSAT7_patterns.csv",
        CalibrationModel::Rasch,
        Parameterization::Difficulty,
    );
    assert_close("logL", &[cal.log_likelihood], &[-2664.916], 1e-3);
}

#[test]
fn lsat6_models_match_published() {
    let one = fit(
        "LSAT6_patterns.csv",
        CalibrationModel::OnePl,
        Parameterization::Difficulty,
    );
    assert!(
        one.items
            .iter()
            .all(|i| (i.params.a() - 0.7551).abs() <= 2e-3),
        "{:?}",
        one.items[0].params
    );
    let b: Vec<f64> = one.items.iter().map(|i| i.params.locations()[0]).collect();
    assert_close(
        "1PL b",
        &b,
        &[-3.6153, -1.3224, -0.3176, -1.7301, -2.7802],
        2e-3,
    );
    assert_close("1PL logL", &[one.log_likelihood], &[-2466.938], 1e-3);

    let rasch = fit(
        "LSAT6_patterns.csv",
        CalibrationModel::Rasch,
        Parameterization::Difficulty,
    );
    let b: Vec<f64> = rasch
        .items
        .iter()
        .map(|i| i.params.locations()[0])
        .collect();
    assert_close(
        "Rasch b",
        &b,
        &[-2.8720, -1.0630, -0.2576, -1.3881, -2.2188],
        2e-3,
    );
    assert_close("Rasch logL", &[rasch.log_likelihood], &[-2473.054], 1e-3);

    let two = fit(
        "LSAT6_patterns.csv",
        CalibrationModel::TwoPl,
        Parameterization::Difficulty,
    );
    let a: Vec<f64> = two.items.iter().map(|i| i.params.a()).collect();
    let b: Vec<f64> = two.items.iter().map(|i| i.params.locations()[0]).collect();
    let published_a = [0.8254, 0.7229, 0.8905, 0.6886, 0.6575];
    let published_b = [-3.3597, -1.3696, -0.2799, -1.8659, -3.1236];
    assert_close("2PL a", &a, &published_a, 2e-3);
    assert_close("2PL b1-4", &b[..4], &published_b[..4], 2e-3);
    assert_close("2PL logL", &[two.log_likelihood], &[-2466.653], 1e-3);
    // b5 lies on a flat ridge of the likelihood (SE ≈ 0.9): the fully converged maximum is −3.1259 (the
    // same with 21-point Gauss–Hermite), 2.3e-3 from the published −3.1236, and the published parameters
    // have the lower log-likelihood, so the published b5 is short of the maximum.
    assert_close("2PL b5", &b[4..], &published_b[4..], 3e-3);
    let data = reference("LSAT6_patterns.csv");
    let mut at_published = CalibrationOptions::new(CalibrationModel::TwoPl);
    for (id, (a, b)) in data
        .item_ids()
        .iter()
        .zip(published_a.iter().zip(published_b))
    {
        at_published
            .fixed
            .insert(id.clone(), ItemParams::two_pl(*a, b));
    }
    at_published.estimate_latent = Some(false);
    let published_ll = calibrate(&data, &at_published).unwrap().log_likelihood;
    assert!(
        two.log_likelihood > published_ll,
        "{} vs {published_ll}",
        two.log_likelihood
    );
}
