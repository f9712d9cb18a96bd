// A horizontal SVG bar chart (no chart library): label, bar, value; scales to its container.
export interface Bar {
  label: string;
  value: number;
  display?: string;
}

let measure: CanvasRenderingContext2D | null | undefined;
/** The label's width at the chart's 12 px, by the browser's own font (a wide-letter estimate without a canvas). */
function textWidth(text: string): number {
  if (measure === undefined) {
    measure = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    if (measure) measure.font = `12px ${getComputedStyle(document.body).fontFamily}`;
  }
  return measure ? measure.measureText(text).width : text.length * 7.5;
}

/**
 * The label cut to what fits in `max` px, with an ellipsis. By width, not letters: a right-aligned
 * label of wide letters that is a pixel too long loses its first letter at the chart's left edge.
 */
export function fitLabel(label: string, max: number): string {
  if (textWidth(label) <= max) return label;
  let n = label.length - 1;
  while (n > 1 && textWidth(`${label.slice(0, n).trimEnd()}…`) > max) n--;
  return `${label.slice(0, n).trimEnd()}…`;
}

export function BarChart(props: { bars: Bar[]; title: string; empty?: string; testId?: string; /** the full bar (a scale such as 5 for scores); else the largest value */ max?: number }) {
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  const rowH = 28;
  const labelW = 150;
  const width = 440;
  // room on the right for the longest value label ("6m 20s · 74 chats")
  const valueW = Math.max(40, ...props.bars.map((b) => String(b.display ?? b.value).length * 7 + 10));
  const barW = width - labelW - valueW;
  const h = props.bars.length * rowH;
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p className="muted small">{props.empty ?? 'No data in this period.'}</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${h}`} width="100%" role="img" aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${b.display ?? b.value}`).join(', ')}`}>
          {props.bars.map((b, i) => {
            const w = Math.max(2, (b.value / max) * barW);
            const y = i * rowH;
            return (
              <g key={b.label} transform={`translate(0 ${y})`}>
                <text x={labelW - 8} y={rowH / 2} textAnchor="end" dominantBaseline="central" className="chart-label">
                  <title>{b.label}</title>
                  {fitLabel(b.label, labelW - 14)}
                </text>
                <rect x={labelW} y={5} width={barW} height={rowH - 10} rx={4} className="chart-track" />
                <rect x={labelW} y={5} width={w} height={rowH - 10} rx={4} className="chart-bar" />
                <text x={labelW + w + 6} y={rowH / 2} dominantBaseline="central" className="chart-value">
                  {b.display ?? b.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

/** Record → bars, largest first. */
export function barsOf(rec: Record<string, number> | undefined, label: (k: string) => string = (k) => k): Bar[] {
  return Object.entries(rec ?? {})
    .map(([k, v]) => ({ label: label(k), value: v }))
    .sort((a, b) => b.value - a.value);
}
