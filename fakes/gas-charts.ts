// Embedded charts on a fake sheet: `newChart()` builders, `insertChart`, `getCharts`, `removeChart`, `updateChart`.
// Honest where it matters to a script that rebuilds a report: a chart sits over the grid, so clearing the sheet's
// cells leaves it in place (a refresh that forgets to remove its old charts piles them up, as in Sheets), and a
// chart's data must come from the spreadsheet it is inserted into. Charts are not part of snapshot()/restore().

import { type Env, GasObject, signatureError, unwrap } from './gas-core';
import type { FakeRange, FakeSheet } from './gas-sheets';

/** The chart types this fake builds (the `as…Chart()` shortcuts); `Charts.ChartType` names them the same way. */
export type FakeChartType = 'AREA' | 'BAR' | 'COLUMN' | 'LINE' | 'PIE' | 'SCATTER' | 'TABLE' | 'COMBO';

interface ChartSpec {
  type: FakeChartType;
  ranges: FakeRange[];
  options: Map<string, unknown>;
  anchorRow: number;
  anchorColumn: number;
  offsetX: number;
  offsetY: number;
  numHeaders: number;
}

let nextChartId = 1;

export class FakeContainerInfo extends GasObject {
  constructor(
    env: Env,
    private readonly spec: ChartSpec,
  ) {
    super(env, 'ContainerInfo');
  }
  getAnchorRow(): number {
    return this.spec.anchorRow;
  }
  getAnchorColumn(): number {
    return this.spec.anchorColumn;
  }
  getOffsetX(): number {
    return this.spec.offsetX;
  }
  getOffsetY(): number {
    return this.spec.offsetY;
  }
}

export class FakeChartOptions extends GasObject {
  constructor(
    env: Env,
    private readonly options: Map<string, unknown>,
  ) {
    super(env, 'ChartOptions');
  }
  get(option: string): unknown {
    return this.options.get(String(option)) ?? null;
  }
  getOrDefault(option: string): unknown {
    return this.get(option);
  }
}

export class FakeEmbeddedChart extends GasObject {
  constructor(
    env: Env,
    readonly spec: ChartSpec,
    private id: number | null = null,
  ) {
    super(env, 'EmbeddedChart');
  }
  /** Null until the chart is inserted, as in Apps Script. */
  getChartId(): number | null {
    return this.id;
  }
  _assignId(): void {
    this.id ??= nextChartId++;
  }
  getRanges(): FakeRange[] {
    return [...this.spec.ranges];
  }
  getOptions(): FakeChartOptions {
    return new FakeChartOptions(this._env, this.spec.options);
  }
  getContainerInfo(): FakeContainerInfo {
    return new FakeContainerInfo(this._env, this.spec);
  }
  getNumHeaders(): number {
    return this.spec.numHeaders;
  }
  /** Test-side: the chart type the builder set. */
  _type(): FakeChartType {
    return this.spec.type;
  }
  modify(): FakeEmbeddedChartBuilder {
    return new FakeEmbeddedChartBuilder(this._env, cloneSpec(this.spec), this);
  }
}

export class FakeEmbeddedChartBuilder extends GasObject {
  constructor(
    env: Env,
    private readonly spec: ChartSpec,
    private readonly original: FakeEmbeddedChart | null = null,
  ) {
    super(env, 'EmbeddedChartBuilder');
  }
  addRange(range: FakeRange): FakeEmbeddedChartBuilder {
    const raw = unwrap(range);
    if (!raw || typeof raw !== 'object' || !('sheet' in raw)) {
      throw signatureError(this._env, 'EmbeddedChartBuilder.addRange', [range]);
    }
    this.spec.ranges.push(raw);
    return this;
  }
  removeRange(range: FakeRange): FakeEmbeddedChartBuilder {
    const raw = unwrap(range);
    this.spec.ranges = this.spec.ranges.filter((r) => r !== raw);
    return this;
  }
  clearRanges(): FakeEmbeddedChartBuilder {
    this.spec.ranges = [];
    return this;
  }
  setPosition(
    anchorRowPos: number,
    anchorColPos: number,
    offsetX: number,
    offsetY: number,
  ): FakeEmbeddedChartBuilder {
    const values = [anchorRowPos, anchorColPos, offsetX, offsetY];
    if (values.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
      throw signatureError(this._env, 'EmbeddedChartBuilder.setPosition', values);
    }
    // ASSUMPTION (unverified against live Sheets): an anchor before row or column 1 is refused like a range would be.
    if (anchorRowPos < 1 || anchorColPos < 1) throw this._env.error('Invalid argument: anchor position');
    Object.assign(this.spec, { anchorRow: anchorRowPos, anchorColumn: anchorColPos, offsetX, offsetY });
    return this;
  }
  setOption(option: string, value: unknown): FakeEmbeddedChartBuilder {
    this.spec.options.set(String(option), value);
    return this;
  }
  setNumHeaders(headers: number): FakeEmbeddedChartBuilder {
    this.spec.numHeaders = headers;
    return this;
  }
  setTitle(title: string): FakeEmbeddedChartBuilder {
    return this.setOption('title', String(title));
  }
  setXAxisTitle(title: string): FakeEmbeddedChartBuilder {
    return this.setOption('hAxis.title', String(title));
  }
  setYAxisTitle(title: string): FakeEmbeddedChartBuilder {
    return this.setOption('vAxis.title', String(title));
  }
  setLegendPosition(position: string): FakeEmbeddedChartBuilder {
    return this.setOption('legend.position', String(position));
  }
  setStacked(): FakeEmbeddedChartBuilder {
    return this.setOption('isStacked', true);
  }
  asColumnChart(): FakeEmbeddedChartBuilder {
    return this.as('COLUMN');
  }
  asBarChart(): FakeEmbeddedChartBuilder {
    return this.as('BAR');
  }
  asLineChart(): FakeEmbeddedChartBuilder {
    return this.as('LINE');
  }
  asPieChart(): FakeEmbeddedChartBuilder {
    return this.as('PIE');
  }
  asAreaChart(): FakeEmbeddedChartBuilder {
    return this.as('AREA');
  }
  getChartType(): FakeChartType {
    return this.spec.type;
  }
  getRanges(): FakeRange[] {
    return [...this.spec.ranges];
  }
  build(): FakeEmbeddedChart {
    if (this.original) {
      Object.assign(this.original.spec, cloneSpec(this.spec));
      return this.original;
    }
    return new FakeEmbeddedChart(this._env, cloneSpec(this.spec));
  }
  private as(type: FakeChartType): FakeEmbeddedChartBuilder {
    this.spec.type = type;
    return this;
  }
}

/** The charts over one sheet; FakeSheet delegates its chart methods here. */
export class SheetCharts {
  private readonly charts: FakeEmbeddedChart[] = [];

  constructor(
    private readonly env: Env,
    private readonly sheet: FakeSheet,
  ) {}

  newChart(): FakeEmbeddedChartBuilder {
    return new FakeEmbeddedChartBuilder(this.env, {
      type: 'LINE',
      ranges: [],
      options: new Map(),
      anchorRow: 1,
      anchorColumn: 1,
      offsetX: 0,
      offsetY: 0,
      numHeaders: -1,
    });
  }

  insert(chart: FakeEmbeddedChart): void {
    const raw = unwrap(chart);
    if (!(raw instanceof FakeEmbeddedChart)) throw signatureError(this.env, 'Sheet.insertChart', [chart]);
    for (const range of raw.spec.ranges) {
      if (range.sheet.spreadsheet !== this.sheet.spreadsheet) {
        throw this.env.error('The chart data must come from the spreadsheet the chart is in.');
      }
    }
    raw._assignId();
    if (!this.charts.includes(raw)) this.charts.push(raw);
  }

  list(): FakeEmbeddedChart[] {
    return [...this.charts];
  }

  remove(chart: FakeEmbeddedChart): void {
    const raw = unwrap(chart);
    const at = this.charts.indexOf(raw);
    // ASSUMPTION (unverified against live Sheets): removing a chart that is not on the sheet is refused.
    if (at < 0) throw this.env.error('The chart could not be found on this sheet.');
    this.charts.splice(at, 1);
  }

  update(chart: FakeEmbeddedChart): void {
    const raw = unwrap(chart);
    if (!this.charts.includes(raw)) throw this.env.error('The chart could not be found on this sheet.');
  }
}

function cloneSpec(spec: ChartSpec): ChartSpec {
  return { ...spec, ranges: [...spec.ranges], options: new Map(spec.options) };
}
