// The public surface of the add-on: one line per Apps Script entry point (see CONTRACT.md).
import { onInstall, onOpen, setupLedgerFromMenu } from './gas/menu';
import { setupLedger } from './gas/setup';
import { doGet, doPost } from './gas/webapp';

declare const global: Record<string, unknown>;

global.doPost = doPost;
global.doGet = doGet;
global.onOpen = onOpen;
global.onInstall = onInstall;
global.setupLedger = setupLedger;
global.setupLedgerFromMenu = setupLedgerFromMenu;
