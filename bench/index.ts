// npm run bench: the webhook's cost per event, then the review sidebar's ranking; `-- --write` updates
// docs/PERFORMANCE.md with both. Each part is its own module, run in turn.

await import('./webhook.bench');
console.log('');
await import('./review.bench');

export {};
