// Analytics: handovers per trigger, reason, skill, language and provider; wait times, abandonment and
// handling time per agent; conversations, containment by the bot, not-understood messages and
// satisfaction (CSAT) per agent, skill and trigger, for a date range.
import type { Analytics } from '@baton/proto';
import { useState } from 'react';
import { api } from '../api';
import { barsOf, BarChart, type Bar } from '../components/bar-chart';
import { ErrorNote, PageHeader, Spinner } from '../components/ui';
import { dateInputValue, formatSecondsOrDash, humanEvent, percent } from '../format';
import { useLoad } from '../hooks';

const RANGES: { label: string; days: number }[] = [
  { label: 'Today', days: 0 },
  { label: '7 days', days: 6 },
  { label: '30 days', days: 29 },
];

export function AnalyticsPage() {
  const [from, setFrom] = useState(() => dateInputValue(Date.now(), 6));
  const [to, setTo] = useState(() => dateInputValue(Date.now(), 0));
  // "to" is a whole day: ask up to the end of it
  const range = [new Date(`${from}T00:00:00`).toISOString(), new Date(`${to}T23:59:59.999`).toISOString()] as const;
  const data = useLoad(() => api.analytics(...range), [from, to]);
  const a = data.data;
  return (
    <div className="page analytics" data-testid="analytics-page">
      <PageHeader
        title="Analytics"
        subtitle="How often the bot hands over, why, and how fast people pick up."
        actions={
          <div className="range-picker">
            <div className="segmented">
              {RANGES.map((r) => {
                const f = dateInputValue(Date.now(), r.days);
                const on = from === f && to === dateInputValue(Date.now(), 0);
                return (
                  <button
                    key={r.label}
                    type="button"
                    className={on ? 'seg on' : 'seg'}
                    onClick={() => {
                      setFrom(f);
                      setTo(dateInputValue(Date.now(), 0));
                    }}
                  >
                    {r.label}
                  </button>
                );
              })}
            </div>
            <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} aria-label="From" />
            <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} aria-label="To" />
            <a className="btn ghost" href={api.analyticsCsvUrl(...range)} download data-testid="analytics-csv" title="Day by day (UTC days), one row per figure">
              Download CSV
            </a>
          </div>
        }
      />
      <ErrorNote text={data.error} />
      {!a ? (
        data.loading ? <Spinner /> : null
      ) : (
        <>
          <div className="stat-cards">
            <StatCard label="Handovers" value={String(a.handovers.total)} testId="stat-handovers" />
            <StatCard label="Wait p50 / p90" value={`${formatSecondsOrDash(a.waitSeconds.p50)} / ${formatSecondsOrDash(a.waitSeconds.p90)}`} hint={a.waitSeconds.count !== undefined ? `${a.waitSeconds.count} accepted` : undefined} />
            <StatCard label="Abandoned" value={percent(a.abandonment.rate)} hint={`${a.abandonment.count} left before an agent`} tone={a.abandonment.rate > 0.2 ? 'bad' : undefined} />
            <StatCard label="Handling p50 / p90" value={`${formatSecondsOrDash(a.handlingSeconds.p50)} / ${formatSecondsOrDash(a.handlingSeconds.p90)}`} />
          </div>
          <div className="stat-cards">
            <StatCard label="Conversations" value={String(a.conversations)} hint="started in this period" testId="stat-conversations" />
            <StatCard label="Contained by the bot" value={percent(a.containmentRate)} hint={`${a.containedByBot} closed without asking for a person`} testId="stat-contained" />
            <StatCard label="Handover rate" value={percent(a.handoverRate.total)} hint="handovers per conversation" />
            <StatCard label="Not understood" value={percent(a.notUnderstood.rate)} hint={`${a.notUnderstood.messages} messages in ${a.notUnderstood.conversations} conversations`} />
            <StatCard label="Satisfaction" value={a.csat.average === null ? '—' : `${a.csat.average.toFixed(2)} / 5`} hint={ratings(a.csat.count)} testId="stat-csat" />
          </div>
          <div className="charts">
            <BarChart title="Handover rate by trigger" bars={rateBars(a.handoverRate.byTrigger)} max={1} testId="chart-handover-rate" />
            <BarChart title="Satisfaction per agent" bars={a.csat.byAgent.map((x) => scoreBar(x.name, x)).sort((x, y) => y.value - x.value)} max={5} empty="No ratings in this period." testId="chart-csat-agent" />
            <BarChart title="Satisfaction per skill" bars={scoreBars(a.csat.bySkill)} max={5} empty="No ratings in this period." />
            <BarChart title="Satisfaction per trigger" bars={scoreBars(a.csat.byTrigger, humanEvent)} max={5} empty="No ratings in this period." />
            <BarChart title="By trigger" bars={barsOf(a.handovers.byTrigger, humanEvent)} testId="chart-trigger" />
            <BarChart title="By reason" bars={barsOf(a.handovers.byReason)} />
            <BarChart title="By skill" bars={barsOf(a.handovers.bySkill)} />
            <BarChart title="By language" bars={barsOf(a.handovers.byLanguage, (k) => k.toUpperCase())} />
            <BarChart title="By provider" bars={barsOf(a.handovers.byProvider)} />
            <BarChart
              title="Handling time per agent (p50)"
              bars={a.handlingSeconds.byAgent
                .map((x) => ({ label: x.name, value: x.p50 ?? 0, display: `${formatSecondsOrDash(x.p50)} · ${x.count} chats` }))
                .sort((x, y) => y.value - x.value)}
            />
          </div>
        </>
      )}
    </div>
  );
}

function StatCard(props: { label: string; value: string; hint?: string; tone?: 'bad'; testId?: string }) {
  return (
    <div className={props.tone ? `stat-card ${props.tone}` : 'stat-card'} data-testid={props.testId}>
      <span className="stat-label">{props.label}</span>
      <strong className="stat-value">{props.value}</strong>
      {props.hint ? <span className="muted small">{props.hint}</span> : null}
    </div>
  );
}

type Score = Analytics['csat']['bySkill'][string];

/** a bar per label: the average score, with the number of ratings */
function scoreBar(label: string, s: Score): Bar {
  return { label, value: s.average ?? 0, display: `${s.average === null ? '—' : s.average.toFixed(2)} · ${ratings(s.count)}` };
}

const ratings = (n: number) => (n === 1 ? '1 rating' : `${n} ratings`);

function scoreBars(rec: Record<string, Score>, label: (k: string) => string = (k) => k): Bar[] {
  return Object.entries(rec)
    .map(([k, s]) => scoreBar(label(k), s))
    .sort((x, y) => y.value - x.value);
}

function rateBars(rec: Record<string, number>): Bar[] {
  return barsOf(rec, humanEvent).map((b) => ({ ...b, display: percent(b.value) }));
}
