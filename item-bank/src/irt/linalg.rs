//! Small dense symmetric positive-definite solves, row-major `n × n`.

/// Solves `A x = b` in place (`b` becomes `x`) by Cholesky factorisation of the SPD matrix `a`
/// (overwritten). Returns `false` if `a` is not numerically positive definite.
pub(crate) fn solve_spd(a: &mut [f64], n: usize, b: &mut [f64]) -> bool {
    if !cholesky(a, n) {
        return false;
    }
    for i in 0..n {
        let s: f64 = (0..i).map(|k| a[i * n + k] * b[k]).sum();
        b[i] = (b[i] - s) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[k * n + i] * b[k]).sum();
        b[i] = (b[i] - s) / a[i * n + i];
    }
    true
}

/// Inverse of an SPD matrix, or `None` if it is not numerically positive definite.
pub(crate) fn invert_spd(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = a.to_vec();
    if !cholesky(&mut l, n) {
        return None;
    }
    let mut inv = vec![0.0; n * n];
    let mut col = vec![0.0; n];
    for j in 0..n {
        col.iter_mut()
            .enumerate()
            .for_each(|(i, c)| *c = f64::from(u8::from(i == j)));
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i * n + k] * col[k]).sum();
            col[i] = (col[i] - s) / l[i * n + i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k * n + i] * col[k]).sum();
            col[i] = (col[i] - s) / l[i * n + i];
        }
        for i in 0..n {
            inv[i * n + j] = col[i];
        }
    }
    Some(inv)
}

/// Lower Cholesky factor in the lower triangle of `a`.
fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let mut m = a;
        let mut b = [1.0, 2.0, 3.0];
        assert!(solve_spd(&mut m, 3, &mut b));
        for i in 0..3 {
            let ax: f64 = (0..3).map(|j| a[i * 3 + j] * b[j]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let inv = invert_spd(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        assert!(invert_spd(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
