// The heatmap's colour scale: a 256-entry viridis-like lookup table and the log mapping of a
// cell's count to an entry (empty cells stay transparent-dark). Shared by the worker that
// paints the image and the page's legend.

// viridis, sampled at 9 points (matplotlib's values)
const ANCHORS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** 256 packed RGBA entries as a Uint8ClampedArray of length 1024. */
export function makeLut() {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (ANCHORS.length - 1);
    const k = Math.min(Math.floor(t), ANCHORS.length - 2);
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 4 + c] = ANCHORS[k][c] + (ANCHORS[k + 1][c] - ANCHORS[k][c]) * f;
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

/** The background of empty cells, for a light or a dark page. */
export const EMPTY_RGBA = { light: [255, 255, 255, 255], dark: [14, 17, 23, 255] };

/** The lowest LUT index used, so that a count of 1 stands out from the empty background. */
export const MIN_INDEX = 40;

/** The LUT index of a count on a log scale: 1 maps to MIN_INDEX, maxCount to 255, 0 to -1. */
export function logIndex(count, maxCount) {
  if (count <= 0) return -1;
  if (maxCount <= 1) return 255;
  return MIN_INDEX + Math.round((Math.log(count) / Math.log(maxCount)) * (255 - MIN_INDEX));
}

/** A CSS colour of LUT entry i (for the legend). */
export function cssColor(lut, i) {
  return `rgb(${lut[i * 4]}, ${lut[i * 4 + 1]}, ${lut[i * 4 + 2]})`;
}
