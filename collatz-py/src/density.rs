//! `Density`: the core's 2-D histogram of (n, statistic) as a numpy array of shape
//! (height, width), ready for `matplotlib`'s `imshow(d.counts, origin="lower",
//! extent=d.extent, aspect="auto")`.

use collatz_core::range::Density as CoreDensity;
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;

/// A 2-D histogram of (n, statistic) over [start, end) (frozen): `counts[row, col]` start
/// values of column `col` whose statistic falls in row `row`, row 0 the lowest values.
/// Column c holds the n of [start + ceil(c*len/width), start + ceil((c+1)*len/width)); row r
/// the values of [y_min + r*y_step, y_min + (r+1)*y_step) (step counts, or log2 of the
/// maximum in steps of 1/16): rows are equally tall, the fewest whole steps that fit the
/// height asked for.
#[pyclass(frozen, module = "collatz_engine")]
pub struct Density {
    inner: CoreDensity,
    counts: Py<PyArray2<u32>>,
}

impl Density {
    pub fn new(py: Python<'_>, mut d: CoreDensity) -> PyResult<Self> {
        let counts = std::mem::take(&mut d.counts);
        let grid = PyArray1::from_vec(py, counts).reshape([d.height, d.width])?;
        Ok(Density {
            inner: d,
            counts: grid.unbind(),
        })
    }
}

#[pymethods]
impl Density {
    /// The grid: a uint32 array of shape (height, width).
    #[getter]
    fn counts(&self, py: Python<'_>) -> Py<PyArray2<u32>> {
        self.counts.clone_ref(py)
    }
    /// The range's first start value.
    #[getter]
    fn start(&self) -> u64 {
        self.inner.start
    }
    /// The range's end (excluded).
    #[getter]
    fn end(&self) -> u64 {
        self.inner.end
    }
    /// The statistic on the y axis.
    #[getter]
    fn field(&self) -> &'static str {
        self.inner.field.name()
    }
    /// Columns.
    #[getter]
    fn width(&self) -> usize {
        self.inner.width
    }
    /// Rows.
    #[getter]
    fn height(&self) -> usize {
        self.inner.height
    }
    /// The lowest value met (log2 of the maximum for max_excursion).
    #[getter]
    fn y_min(&self) -> f64 {
        self.inner.y_min
    }
    /// The highest value met.
    #[getter]
    fn y_max(&self) -> f64 {
        self.inner.y_max
    }
    /// The values each row holds.
    #[getter]
    fn y_step(&self) -> f64 {
        self.inner.y_step
    }
    /// (start, end, y_min, y_min + height * y_step): the `extent` of `imshow` with
    /// `origin="lower"`.
    #[getter]
    fn extent(&self) -> (f64, f64, f64, f64) {
        let d = &self.inner;
        let top = d.y_min + d.height as f64 * d.y_step;
        (d.start as f64, d.end as f64, d.y_min, top)
    }
    /// The start values of column `col`, as (first, end).
    fn column_range(&self, col: usize) -> (u64, u64) {
        let r = self.inner.column_range(col);
        (r.start, r.end)
    }
    fn __repr__(&self) -> String {
        let d = &self.inner;
        format!(
            "Density(start={}, end={}, field={:?}, width={}, height={}, y_min={}, y_max={}, y_step={})",
            d.start,
            d.end,
            d.field.name(),
            d.width,
            d.height,
            d.y_min,
            d.y_max,
            d.y_step
        )
    }
}
