//! Item response theory: models, ability estimation, calibration, linking, item statistics.
