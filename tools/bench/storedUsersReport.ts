/** The stored-users benchmark's table (scenario × store size, median of the rounds, ratio) and its JSON figures. */
import { median } from '../load/percentiles.js';
import { SCENARIOS, type Batch, type Scenario } from './benchBot.js';

export interface SideFigures {
  cpuMsPerTurn: number;
  latencyMedianMs: number;
  azuriteCpuMsPerTurn?: number;
}

export interface ScenarioFigures {
  scenario: Scenario;
  few: SideFigures;
  many: SideFigures;
  /** many / few; absent when `few` measured nothing (a batch shorter than one clock tick of CPU). */
  cpuRatio?: number;
  latencyRatio?: number;
  azuriteCpuRatio?: number;
}

/** Collects each (scenario, store size) batch of every round. */
export class Batches {
  private readonly batches = new Map<string, Batch[]>();

  add(scenario: Scenario, users: number, batch: Batch): void {
    const key = `${scenario}/${users}`;
    this.batches.set(key, [...(this.batches.get(key) ?? []), batch]);
  }

  /** CPU per turn: the median of the rounds' figures; latency: the median of every turn of every round. */
  figures(few: number, many: number): ScenarioFigures[] {
    return SCENARIOS.map((scenario) => {
      const side = (users: number): SideFigures => {
        const runs = this.batches.get(`${scenario}/${users}`) ?? [];
        const storage = runs.flatMap((run) => (run.storageCpuMsPerTurn === undefined ? [] : [run.storageCpuMsPerTurn]));
        return {
          cpuMsPerTurn: round2(median(runs.map((run) => run.cpuMsPerTurn))),
          latencyMedianMs: round2(median(runs.flatMap((run) => run.latenciesMs))),
          ...(storage.length > 0 ? { azuriteCpuMsPerTurn: round2(median(storage)) } : {}),
        };
      };
      const [a, b] = [side(few), side(many)];
      return {
        scenario,
        few: a,
        many: b,
        ...defined('cpuRatio', ratio(b.cpuMsPerTurn, a.cpuMsPerTurn)),
        ...defined('latencyRatio', ratio(b.latencyMedianMs, a.latencyMedianMs)),
        ...defined('azuriteCpuRatio', ratio(b.azuriteCpuMsPerTurn, a.azuriteCpuMsPerTurn)),
      };
    });
  }
}

export function printTable(figures: ScenarioFigures[], fewLabel: string, manyLabel: string): void {
  const row = (cells: string[]) => `${cells[0]!.padEnd(36)}${cells.slice(1).map((cell) => cell.padStart(14)).join('')}`;
  console.log(row(['scenario (median of rounds)', fewLabel, manyLabel, 'ratio']));
  for (const f of figures) {
    console.log(row([`${f.scenario}: CPU ms per turn`, `${f.few.cpuMsPerTurn}`, `${f.many.cpuMsPerTurn}`, times(f.cpuRatio)]));
    console.log(row([`${f.scenario}: latency median ms`, `${f.few.latencyMedianMs}`, `${f.many.latencyMedianMs}`, times(f.latencyRatio)]));
    if (f.azuriteCpuRatio !== undefined) {
      console.log(row([`${f.scenario}: Azurite CPU ms per turn`, `${f.few.azuriteCpuMsPerTurn}`, `${f.many.azuriteCpuMsPerTurn}`, `${f.azuriteCpuRatio}×`]));
    }
  }
}

/** `a / b`, or undefined when `b` measured nothing: at 10 ms a CPU tick, a short batch can read 0, and x / 0 is no figure. */
function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || !(b > 0) ? undefined : round2(a / b);
}

function defined<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function times(value: number | undefined): string {
  return value === undefined ? '– (too little CPU to measure)' : `${value}×`;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
