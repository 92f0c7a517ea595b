// Placeholder entry so the e2e smoke test has a page; the app engineer replaces it.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <h1>NC Lab</h1>
    </StrictMode>,
  );
}
