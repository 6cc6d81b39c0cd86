// The public surface of the add-on: one line per Apps Script entry point (see CONTRACT.md).
import { onInstall, onOpen, setupLedgerFromMenu } from './gas/menu';
import { refreshReport, refreshReportFromMenu } from './gas/report';
import { reviewServer } from './gas/review-calls';
import { openReviewSidebar } from './gas/review-sidebar';
import { setupLedger } from './gas/setup';
import {
  checkDriftFromMenu,
  importHistoryFromMenu,
  installTriggersFromMenu,
  removeTriggersFromMenu,
  showSyncStatus,
  syncStripeFromMenu,
  verifyLedgerFromLog,
} from './gas/status';
import { syncStripe } from './gas/sync';
import { installTriggers, removeTriggers } from './gas/triggers';
import { doGet, doPost } from './gas/webapp';

declare const global: Record<string, unknown>;

global.doPost = doPost;
global.doGet = doGet;
global.onOpen = onOpen;
global.onInstall = onInstall;
global.setupLedger = setupLedger;
global.setupLedgerFromMenu = setupLedgerFromMenu;
global.syncStripe = syncStripe;
global.installTriggers = installTriggers;
global.removeTriggers = removeTriggers;
global.syncStripeFromMenu = syncStripeFromMenu;
global.importHistoryFromMenu = importHistoryFromMenu;
global.checkDriftFromMenu = checkDriftFromMenu;
global.verifyLedgerFromLog = verifyLedgerFromLog;
global.showSyncStatus = showSyncStatus;
global.installTriggersFromMenu = installTriggersFromMenu;
global.removeTriggersFromMenu = removeTriggersFromMenu;
global.refreshReport = refreshReport;
global.refreshReportFromMenu = refreshReportFromMenu;
global.openReviewSidebar = openReviewSidebar;
global.reviewQueue = reviewServer.reviewQueue;
global.reviewDetail = reviewServer.reviewDetail;
global.reviewAct = reviewServer.reviewAct;
global.reviewBulk = reviewServer.reviewBulk;
