// ScriptApp (triggers, service URL), Session and logging.

import { format } from 'node:util';
import { type Env, GasObject, gasEnum, isDate, unwrap } from './gas-core';
import { FakeSpreadsheet, FakeUser } from './gas-sheets';

export const AuthMode = gasEnum('NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL');
export const EventType = gasEnum(
  'CLOCK',
  'ON_OPEN',
  'ON_EDIT',
  'ON_FORM_SUBMIT',
  'ON_CHANGE',
  'ON_EVENT_UPDATED',
);
export const TriggerSource = gasEnum('SPREADSHEETS', 'CLOCK', 'FORMS', 'DOCUMENTS', 'CALENDAR');
export const WeekDay = gasEnum('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY');

/** Apps Script allows 20 triggers per user per script. */
export const TRIGGER_LIMIT = 20;

export interface TriggerSchedule {
  everyMinutes?: number;
  everyHours?: number;
  everyDays?: number;
  everyWeeks?: number;
  atHour?: number;
  nearMinute?: number;
  onWeekDay?: string;
  onMonthDay?: number;
  at?: Date;
  afterMs?: number;
  timeZone?: string;
}

export interface TriggerRecord {
  id: string;
  handler: string;
  eventType: string;
  source: string;
  sourceId: string | null;
  schedule: TriggerSchedule;
}

export interface TriggerStore {
  triggers: TriggerRecord[];
  nextId: number;
}

export class FakeTrigger extends GasObject {
  constructor(
    env: Env,
    readonly record: TriggerRecord,
  ) {
    super(env, 'Trigger');
  }
  getHandlerFunction(): string {
    return this.record.handler;
  }
  getUniqueId(): string {
    return this.record.id;
  }
  getEventType(): string {
    return this.record.eventType;
  }
  getTriggerSource(): string {
    return this.record.source;
  }
  getTriggerSourceId(): string | null {
    return this.record.sourceId;
  }
}

function addTrigger(env: Env, store: TriggerStore, record: Omit<TriggerRecord, 'id'>): FakeTrigger {
  if (store.triggers.length >= TRIGGER_LIMIT) {
    throw env.error(
      'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
    );
  }
  const full = { ...record, id: String(store.nextId) };
  store.nextId += 1;
  store.triggers.push(full);
  return new FakeTrigger(env, full);
}

export class FakeClockTriggerBuilder extends GasObject {
  private readonly schedule: TriggerSchedule = {};
  constructor(
    env: Env,
    private readonly store: TriggerStore,
    private readonly handler: string,
  ) {
    super(env, 'ClockTriggerBuilder');
  }
  everyMinutes(n: number): FakeClockTriggerBuilder {
    // Only these intervals exist in Apps Script. (Message wording not verified against a live project.)
    if (![1, 5, 10, 15, 30].includes(n)) {
      throw this._env.error(
        'The value passed to everyMinutes is invalid. Valid values are 1, 5, 10, 15 or 30.',
      );
    }
    this.schedule.everyMinutes = n;
    return this;
  }
  everyHours(n: number): FakeClockTriggerBuilder {
    if (![1, 2, 4, 6, 8, 12].includes(n)) {
      throw this._env.error(
        'The value passed to everyHours is invalid. Valid values are 1, 2, 4, 6, 8 or 12.',
      );
    }
    this.schedule.everyHours = n;
    return this;
  }
  everyDays(n: number): FakeClockTriggerBuilder {
    this.schedule.everyDays = n;
    return this;
  }
  everyWeeks(n: number): FakeClockTriggerBuilder {
    this.schedule.everyWeeks = n;
    return this;
  }
  atHour(hour: number): FakeClockTriggerBuilder {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw this._env.error('Invalid argument: hour');
    this.schedule.atHour = hour;
    return this;
  }
  nearMinute(minute: number): FakeClockTriggerBuilder {
    this.schedule.nearMinute = minute;
    return this;
  }
  onWeekDay(day: string): FakeClockTriggerBuilder {
    this.schedule.onWeekDay = String(day);
    return this;
  }
  onMonthDay(day: number): FakeClockTriggerBuilder {
    this.schedule.onMonthDay = day;
    return this;
  }
  at(date: Date): FakeClockTriggerBuilder {
    this.schedule.at = new Date(date.getTime());
    return this;
  }
  after(durationMilliseconds: number): FakeClockTriggerBuilder {
    this.schedule.afterMs = durationMilliseconds;
    return this;
  }
  inTimezone(timezone: string): FakeClockTriggerBuilder {
    this.schedule.timeZone = timezone;
    return this;
  }
  create(): FakeTrigger {
    const s = this.schedule;
    const hasRecurrence =
      s.everyMinutes !== undefined ||
      s.everyHours !== undefined ||
      s.everyDays !== undefined ||
      s.everyWeeks !== undefined ||
      s.onMonthDay !== undefined ||
      s.at !== undefined ||
      s.afterMs !== undefined;
    if (!hasRecurrence) throw this._env.error('A time-based trigger needs a schedule before create().');
    return addTrigger(this._env, this.store, {
      handler: this.handler,
      eventType: EventType.CLOCK,
      source: TriggerSource.CLOCK,
      sourceId: null,
      schedule: { ...s },
    });
  }
}

export class FakeSpreadsheetTriggerBuilder extends GasObject {
  private eventType: string | null = null;
  constructor(
    env: Env,
    private readonly store: TriggerStore,
    private readonly handler: string,
    private readonly spreadsheetId: string,
  ) {
    super(env, 'SpreadsheetTriggerBuilder');
  }
  onOpen(): FakeSpreadsheetTriggerBuilder {
    this.eventType = EventType.ON_OPEN;
    return this;
  }
  onEdit(): FakeSpreadsheetTriggerBuilder {
    this.eventType = EventType.ON_EDIT;
    return this;
  }
  onChange(): FakeSpreadsheetTriggerBuilder {
    this.eventType = EventType.ON_CHANGE;
    return this;
  }
  onFormSubmit(): FakeSpreadsheetTriggerBuilder {
    this.eventType = EventType.ON_FORM_SUBMIT;
    return this;
  }
  create(): FakeTrigger {
    if (!this.eventType)
      throw this._env.error('A spreadsheet trigger needs an event (onOpen, onEdit…) before create().');
    return addTrigger(this._env, this.store, {
      handler: this.handler,
      eventType: this.eventType,
      source: TriggerSource.SPREADSHEETS,
      sourceId: this.spreadsheetId,
      schedule: {},
    });
  }
}

export class FakeTriggerBuilder extends GasObject {
  constructor(
    env: Env,
    private readonly store: TriggerStore,
    private readonly handler: string,
  ) {
    super(env, 'TriggerBuilder');
  }
  timeBased(): FakeClockTriggerBuilder {
    return new FakeClockTriggerBuilder(this._env, this.store, this.handler);
  }
  forSpreadsheet(sheet: FakeSpreadsheet | string): FakeSpreadsheetTriggerBuilder {
    const target = unwrap(sheet);
    const id = target instanceof FakeSpreadsheet ? target.id : String(target);
    return new FakeSpreadsheetTriggerBuilder(this._env, this.store, this.handler, id);
  }
}

export class FakeService extends GasObject {
  constructor(
    env: Env,
    private readonly scriptId: string,
  ) {
    super(env, 'Service');
  }
  getUrl(): string {
    return `https://script.google.com/macros/s/${this.scriptId}/exec`;
  }
  isEnabled(): boolean {
    return true;
  }
}

export class FakeScriptApp extends GasObject {
  readonly AuthMode = AuthMode;
  readonly EventType = EventType;
  readonly TriggerSource = TriggerSource;
  readonly WeekDay = WeekDay;

  constructor(
    env: Env,
    private readonly store: TriggerStore,
    private readonly scriptId: string,
  ) {
    super(env, 'ScriptApp');
  }
  newTrigger(functionName: string): FakeTriggerBuilder {
    return new FakeTriggerBuilder(this._env, this.store, String(functionName));
  }
  getProjectTriggers(): FakeTrigger[] {
    return this.store.triggers.map((t) => new FakeTrigger(this._env, t));
  }
  getUserTriggers(spreadsheet: FakeSpreadsheet): FakeTrigger[] {
    const id = unwrap(spreadsheet).id;
    return this.store.triggers.filter((t) => t.sourceId === id).map((t) => new FakeTrigger(this._env, t));
  }
  deleteTrigger(trigger: FakeTrigger): void {
    const id = unwrap(trigger).record.id;
    this.store.triggers = this.store.triggers.filter((t) => t.id !== id);
  }
  getScriptId(): string {
    return this.scriptId;
  }
  getService(): FakeService {
    return new FakeService(this._env, this.scriptId);
  }
  getOAuthToken(): string {
    return 'ya29.fake-oauth-token';
  }
}

export class FakeSession extends GasObject {
  constructor(
    env: Env,
    private readonly people: { activeUser: string; effectiveUser: string },
    private readonly timeZone: string,
  ) {
    super(env, 'Session');
  }
  private get activeUser(): string {
    return this.people.activeUser;
  }
  getActiveUser(): FakeUser {
    return new FakeUser(this._env, this.people.activeUser);
  }
  getEffectiveUser(): FakeUser {
    return new FakeUser(this._env, this.people.effectiveUser);
  }
  getScriptTimeZone(): string {
    return this.timeZone;
  }
  getActiveUserLocale(): string {
    return 'en';
  }
  getTemporaryActiveUserKey(): string {
    return `tmp-${Buffer.from(this.activeUser || 'anonymous').toString('base64url')}`;
  }
}

export class FakeLogger extends GasObject {
  constructor(env: Env) {
    super(env, 'Logger');
  }
  log(data: unknown, ...values: unknown[]): FakeLogger {
    let line: string;
    if (typeof data === 'string' && values.length > 0) {
      let i = 0;
      line = data.replace(/%s/g, () => String(values[i++]));
    } else {
      line = isDate(data) ? data.toString() : typeof data === 'object' ? JSON.stringify(data) : String(data);
    }
    this._env.log(line);
    return this;
  }
  getLog(): string {
    return this._env.logs.join('\n');
  }
  clear(): void {
    this._env.logs.length = 0;
  }
}

/** A console for code running under the fakes: lines are collected in `logs` (and echoed when asked). */
export function createFakeConsole(env: Env): Console {
  const write =
    (level: string) =>
    (...args: unknown[]): void =>
      env.log(level === 'log' ? format(...args) : `[${level}] ${format(...args)}`);
  const noop = (): void => {};
  return {
    log: write('log'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    time: noop,
    timeEnd: noop,
    timeLog: noop,
    trace: write('trace'),
    assert: noop,
    dir: write('log'),
    table: write('log'),
    group: noop,
    groupEnd: noop,
    count: noop,
  } as unknown as Console;
}
