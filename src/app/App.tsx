import { Banners } from './components/Banners';
import { ConfigForm } from './components/ConfigForm';
import { Controls } from './components/Controls';
import { Header } from './components/Header';
import { DatasetsSection } from './datasets/DatasetsSection';
import { ConfigWarnings } from './guide/ConfigWarnings';
import { Intro } from './guide/Intro';
import { PresetGuide } from './guide/PresetGuide';
import { FeaturesSection } from './features/FeaturesSection';
import { MetricsTable } from './components/MetricsTable';
import { PresetPicker } from './components/PresetPicker';
import { ShareBar } from './components/ShareBar';
import { StatusBar } from './components/StatusBar';
import { Dashboard } from './layout/Dashboard';
import { Sidebar } from './layout/Sidebar';
import { useLab } from './store';
import { useShortcuts } from './useShortcuts';

function Footer() {
  const kind = useLab((s) => s.loadedConfig?.experiment ?? s.config.experiment);
  return (
    <footer className="footer">
      {kind === 'ufm' ? (
        <>
          UFM with MSE: f = ‖W_M⋯W_1 H + b1ᵀ − Y‖²/(2N) + λ_W/2 Σ‖W_j‖² + λ_H/2 ‖H‖². Closed form:
          Dang et al. 2023.
        </>
      ) : (
        <>
          Network: backbone → features h → linear head W_M⋯W_1 (Dang et al. 2023; Nguyen et al.
          2023); NC metrics at the input of every head layer, eval mode.
        </>
      )}{' '}
      Metric definitions: hover, focus or tap a metric name. Metrics and theory are computed by the
      engine in the worker; the page only draws them.
    </footer>
  );
}

/**
 * The first tab stop: past the presets and the form (some 40 stops) to the run controls. It
 * focuses the panels' column itself rather than following `#main`, which would add a fragment
 * to the share link in the address bar.
 */
function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      data-testid="skip-link"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      Skip to the run controls
    </a>
  );
}

export function App() {
  useShortcuts();
  return (
    <div className="app">
      <SkipLink />
      <Header />
      <Intro />
      <div className="layout">
        <Sidebar>
          <PresetPicker />
          <ConfigForm />
          <ConfigWarnings />
        </Sidebar>
        <main className="main" id="main" tabIndex={-1}>
          {/* One screen on a laptop: everything in main-top fits the window, the dashboard
              taking the height the rest leaves; what follows scrolls. */}
          <div className="main-top">
            <Banners />
            <div className="run-bar">
              <Controls />
              <StatusBar />
              <ShareBar />
            </div>
            <PresetGuide />
            <Dashboard />
          </div>
          <MetricsTable />
          <DatasetsSection />
          <FeaturesSection />
          <Footer />
        </main>
      </div>
    </div>
  );
}
