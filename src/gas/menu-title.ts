// The name of the add-on's menu and of its alerts and toasts.

export const MENU_TITLE = 'Stripe Ledger';
