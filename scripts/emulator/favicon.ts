// The emulator's tab icon: a green sheet (Sheets) with a violet tick (Stripe), so the tab is found among others.

export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="4" y="2" width="24" height="28" rx="3" fill="#188038"/>
<path d="M9 10h14M9 16h14M9 22h8M15 10v14" stroke="#fff" stroke-width="2" fill="none"/>
<circle cx="24" cy="24" r="7" fill="#635bff"/>
<path d="M20.5 24.2l2.4 2.4 4.4-4.8" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
