/** Figures, each beside the baseline measured in the same run, printed as a table and saved as JSON. */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { round } from './stats.js';

interface Target {
  /** `atLeast` for throughput ratios, `atMost` for latencies and sizes. */
  kind: 'atLeast' | 'atMost';
  value: number;
  /** What the target applies to: the figure itself or its ratio to the baseline. */
  of: 'value' | 'ratio';
}

export interface Figure {
  id: string;
  label: string;
  unit: string;
  value: number;
  baseline: { label: string; value: number } | null;
  target: Target | null;
  /** Anything a reader needs to trust the number (sample count, errors, load). */
  notes?: string;
}

export interface FigureResult extends Figure {
  ratio: number | null;
  met: boolean | null;
}

function judge(figure: Figure): FigureResult {
  const ratio = figure.baseline && figure.baseline.value !== 0 ? figure.value / figure.baseline.value : null;
  let met: boolean | null = null;
  if (figure.target) {
    const measured = figure.target.of === 'ratio' ? ratio : figure.value;
    met = measured === null ? false : figure.target.kind === 'atLeast' ? measured >= figure.target.value : measured <= figure.target.value;
  }
  return { ...figure, ratio, met };
}

function targetText(figure: FigureResult): string {
  if (!figure.target) return '—';
  const sign = figure.target.kind === 'atLeast' ? '≥' : '≤';
  return figure.target.of === 'ratio' ? `ratio ${sign} ${figure.target.value}` : `${sign} ${figure.target.value} ${figure.unit}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function renderTable(figures: readonly FigureResult[]): string {
  const rows = figures.map((f) => [
    f.label,
    `${round(f.value)} ${f.unit}`,
    f.baseline ? `${round(f.baseline.value)} ${f.unit} (${f.baseline.label})` : '—',
    f.ratio === null ? '—' : `${round(f.ratio)}×`,
    targetText(f),
    f.met === null ? '—' : f.met ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met?'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => pad(c, widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function judgeAll(figures: readonly Figure[]): FigureResult[] {
  return figures.map(judge);
}

export async function saveResults(file: string, figures: readonly FigureResult[], extra: Record<string, unknown>): Promise<void> {
  const cpus = os.cpus();
  const body = {
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` },
    ...extra,
    allTargetsMet: figures.every((f) => f.met !== false),
    figures: figures.map((f) => ({ ...f, value: round(f.value, 3), ratio: f.ratio === null ? null : round(f.ratio, 3) })),
  };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}
