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
import { MdPanel } from './md/MdPanel';
import { SweepPanel } from './md/SweepPanel';
import { GramPanel } from './panels/GramPanel';
import { LossPanel } from './panels/LossPanel';
import { NcPanel } from './panels/NcPanel';
import { TheoryPanel } from './panels/TheoryPanel';
import { View3dPanel } from './panels/View3dPanel';
import { useLab } from './store';
import { useShortcuts } from './useShortcuts';
import { RunsPanel } from './runs/RunsPanel';

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
      Metric definitions: hover or focus a metric name. Metrics and theory are computed by the
      engine in the worker; the page only draws them.
    </footer>
  );
}

export function App() {
  useShortcuts();
  return (
    <div className="app">
      <Header />
      <Intro />
      <div className="layout">
        <aside className="sidebar">
          <PresetPicker />
          <ConfigForm />
          <ConfigWarnings />
        </aside>
        <main className="main">
          <Banners />
          <div className="run-bar">
            <Controls />
            <StatusBar />
            <ShareBar />
          </div>
          <PresetGuide />
          <div className="panels" data-testid="panels">
            <LossPanel />
            <TheoryPanel />
            <MdPanel />
            <NcPanel />
            <GramPanel />
            <View3dPanel />
            <SweepPanel />
          </div>
          <MetricsTable />
          <RunsPanel />
          <DatasetsSection />
          <FeaturesSection />
          <Footer />
        </main>
      </div>
    </div>
  );
}
