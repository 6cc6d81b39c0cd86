// SpreadsheetApp itself and its Ui: menus, sidebars, dialogs and alerts are recorded so tests can read them.

import { BooleanCriteria, FakeConditionalFormatRuleBuilder } from './gas-conditional-formats';
import { type Env, GasObject, gasEnum } from './gas-core';
import { DataValidationCriteria, FakeDataValidationBuilder } from './gas-data-validation';
import { type FakeSpreadsheet, ProtectionType } from './gas-sheets';

export const Button = gasEnum('CLOSE', 'OK', 'CANCEL', 'YES', 'NO');
export const ButtonSet = gasEnum('OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL');

export type MenuEntry =
  | { caption: string; functionName: string }
  | { separator: true }
  | { subMenu: MenuRecord };

export interface MenuRecord {
  name: string;
  addon: boolean;
  items: MenuEntry[];
}

export interface UiLog {
  menus: MenuRecord[];
  sidebars: { title: string; content: string }[];
  dialogs: { title: string; content: string; modal: boolean }[];
  alerts: { title: string; prompt: string; buttons: string | undefined }[];
  toasts: { message: string; title: string; timeoutSeconds: number | undefined }[];
  /** Buttons the next alerts/prompts answer with, first first; when empty, OK (or YES for a yes/no set). */
  answers: { button: string; text?: string }[];
}

export function createUiLog(): UiLog {
  return { menus: [], sidebars: [], dialogs: [], alerts: [], toasts: [], answers: [] };
}

/** What an HtmlOutput exposes to the Ui; kept structural so the Ui does not depend on the Html fake. */
interface HtmlLike {
  getContent(): string;
  getTitle(): string;
}

export class FakeMenu extends GasObject {
  readonly record: MenuRecord;
  constructor(
    env: Env,
    private readonly log: UiLog,
    name: string,
    addon: boolean,
  ) {
    super(env, 'Menu');
    this.record = { name, addon, items: [] };
  }
  addItem(caption: string, functionName: string): FakeMenu {
    this.record.items.push({ caption: String(caption), functionName: String(functionName) });
    return this;
  }
  addSeparator(): FakeMenu {
    this.record.items.push({ separator: true });
    return this;
  }
  addSubMenu(menu: FakeMenu): FakeMenu {
    this.record.items.push({ subMenu: menu.record });
    return this;
  }
  addToUi(): void {
    const i = this.log.menus.findIndex((m) => m.name === this.record.name && m.addon === this.record.addon);
    if (i >= 0) this.log.menus.splice(i, 1, this.record);
    else this.log.menus.push(this.record);
  }
}

export class FakePromptResponse extends GasObject {
  constructor(
    env: Env,
    private readonly button: string,
    private readonly text: string,
  ) {
    super(env, 'PromptResponse');
  }
  getSelectedButton(): string {
    return this.button;
  }
  getResponseText(): string {
    return this.text;
  }
}

export class FakeUi extends GasObject {
  readonly Button = Button;
  readonly ButtonSet = ButtonSet;

  constructor(
    env: Env,
    private readonly log: UiLog,
    private readonly addonName: string,
  ) {
    super(env, 'Ui');
  }

  _answer(buttons: string | undefined): { button: string; text?: string } {
    const next = this.log.answers.shift();
    if (next) return next;
    return { button: buttons === 'YES_NO' || buttons === 'YES_NO_CANCEL' ? 'YES' : 'OK' };
  }

  createMenu(caption: string): FakeMenu {
    return new FakeMenu(this._env, this.log, String(caption), false);
  }
  createAddonMenu(): FakeMenu {
    return new FakeMenu(this._env, this.log, this.addonName, true);
  }
  showSidebar(userInterface: HtmlLike): void {
    this.log.sidebars.push({ title: userInterface.getTitle(), content: userInterface.getContent() });
  }
  showModalDialog(userInterface: HtmlLike, title: string): void {
    this.log.dialogs.push({ title: String(title), content: userInterface.getContent(), modal: true });
  }
  showModelessDialog(userInterface: HtmlLike, title: string): void {
    this.log.dialogs.push({ title: String(title), content: userInterface.getContent(), modal: false });
  }
  alert(...args: unknown[]): string {
    // alert(prompt) | alert(prompt, buttons) | alert(title, prompt, buttons)
    const [title, prompt, buttons] =
      args.length >= 3
        ? [String(args[0]), String(args[1]), args[2] as string]
        : args.length === 2
          ? ['', String(args[0]), args[1] as string]
          : ['', String(args[0]), undefined];
    this.log.alerts.push({ title, prompt, buttons });
    return this._answer(buttons).button;
  }
  prompt(...args: unknown[]): FakePromptResponse {
    const [title, prompt, buttons] =
      args.length >= 3
        ? [String(args[0]), String(args[1]), args[2] as string]
        : args.length === 2
          ? ['', String(args[0]), args[1] as string]
          : ['', String(args[0]), undefined];
    this.log.alerts.push({ title, prompt, buttons });
    const answer = this._answer(buttons ?? 'OK');
    return new FakePromptResponse(this._env, answer.button, answer.text ?? '');
  }
}

export class FakeSpreadsheetApp extends GasObject {
  readonly ProtectionType = ProtectionType;
  readonly Dimension = gasEnum('COLUMNS', 'ROWS');
  readonly WrapStrategy = gasEnum('WRAP', 'OVERFLOW', 'CLIP');
  readonly BorderStyle = gasEnum('DOTTED', 'DASHED', 'SOLID', 'SOLID_MEDIUM', 'SOLID_THICK', 'DOUBLE');
  readonly BooleanCriteria = BooleanCriteria;
  readonly DataValidationCriteria = DataValidationCriteria;

  /** Spreadsheets made with `create` (an archive of the log), which `openById` also opens. */
  readonly created: FakeSpreadsheet[] = [];

  constructor(
    env: Env,
    private readonly spreadsheet: FakeSpreadsheet,
    private readonly active: boolean,
    private readonly ui: FakeUi,
    private readonly make: (id: string, name: string) => FakeSpreadsheet = () => {
      throw env.error('SpreadsheetApp.create is not available here.');
    },
  ) {
    super(env, 'SpreadsheetApp');
  }

  create(name: string): FakeSpreadsheet {
    const made = this.make(`fake-created-${this.created.length + 1}`, String(name));
    this.created.push(made);
    return made;
  }

  getActiveSpreadsheet(): FakeSpreadsheet | null {
    return this.active ? this.spreadsheet : null;
  }
  getActive(): FakeSpreadsheet | null {
    return this.getActiveSpreadsheet();
  }
  getActiveSheet(): unknown {
    return this.active ? this.spreadsheet.activeSheet : null;
  }
  openById(id: string): FakeSpreadsheet {
    const made = this.created.find((s) => s.id === String(id));
    if (made) return made;
    if (String(id) !== this.spreadsheet.id) {
      throw this._env.error(
        'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
      );
    }
    return this.spreadsheet;
  }
  openByUrl(url: string): FakeSpreadsheet {
    const id = /\/d\/([^/]+)/.exec(String(url))?.[1] ?? '';
    return this.openById(id);
  }
  getUi(): FakeUi {
    // Triggers and web apps run with no document open: Apps Script refuses the Ui there.
    if (!this.active) throw this._env.error('Cannot call SpreadsheetApp.getUi() from this context.');
    return this.ui;
  }
  flush(): void {}
  newConditionalFormatRule(): FakeConditionalFormatRuleBuilder {
    return new FakeConditionalFormatRuleBuilder(this._env);
  }
  newDataValidation(): FakeDataValidationBuilder {
    return new FakeDataValidationBuilder(this._env);
  }
}
