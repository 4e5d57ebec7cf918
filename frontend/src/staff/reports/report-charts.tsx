// Hand-drawn SVG charts: a line and bars over the periods of a range. No chart library: two shapes do
// not justify 45 KB, and each chart has its figures in a table for screen readers and copying.

type Point = { label: string; value: number };

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 28, left: 12 };

function scale(points: Point[]) {
  const max = Math.max(0, ...points.map((p) => p.value));
  const min = Math.min(0, ...points.map((p) => p.value));
  const span = max - min || 1;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length <= 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => PAD.top + innerH - ((v - min) * innerH) / span;
  return { x, y, innerW, zero: y(0) };
}

/** Ticks under the chart: the first, the middle and the last period. */
function Ticks({ points, x }: { points: Point[]; x: (i: number) => number }) {
  const indexes = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])].filter(
    (i) => i >= 0,
  );
  return (
    <>
      {indexes.map((i) => (
        <text
          key={i}
          x={i === 0 ? PAD.left : i === points.length - 1 ? WIDTH - PAD.right : x(i)}
          y={HEIGHT - 8}
          textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'}
          className="report-chart-tick"
        >
          {points[i]?.label}
        </text>
      ))}
    </>
  );
}

export function LineChart({
  title,
  points,
  format,
}: {
  title: string;
  points: Point[];
  format(v: number): string;
}) {
  const { x, y } = scale(points);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ');
  const last = points[points.length - 1];
  return (
    <figure className="report-chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}: ${last ? format(last.value) : ''}`}
      >
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="report-chart-axis" />
        <path d={path} className="report-chart-line" />
        {points.length <= 62
          ? points.map((p, i) => (
              <circle key={p.label} cx={x(i)} cy={y(p.value)} r={3} className="report-chart-dot">
                <title>{`${p.label}: ${format(p.value)}`}</title>
              </circle>
            ))
          : null}
        <Ticks points={points} x={x} />
      </svg>
    </figure>
  );
}

export function BarChart({
  title,
  points,
  format,
}: {
  title: string;
  points: Point[];
  format(v: number): string;
}) {
  const { y, innerW, zero } = scale(points);
  const step = innerW / Math.max(points.length, 1);
  const x = (i: number) => PAD.left + (i + 0.5) * step;
  const band = Math.max(1, step - 2);
  return (
    <figure className="report-chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        {points.map((p, i) => {
          const top = Math.min(y(p.value), zero);
          return (
            <rect
              key={p.label}
              x={x(i) - band / 2}
              y={top}
              width={band}
              height={Math.max(Math.abs(zero - y(p.value)), p.value ? 1 : 0)}
              className="report-chart-bar"
            >
              <title>{`${p.label}: ${format(p.value)}`}</title>
            </rect>
          );
        })}
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={zero} y2={zero} className="report-chart-axis" />
        <Ticks points={points} x={x} />
      </svg>
    </figure>
  );
}
