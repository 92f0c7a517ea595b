import './app/app.css';
import { installEarlyNcLab } from './app/ncLabEarly';
import { loadPlotly } from './app/plotly';
import { prestartLabWorker } from './worker/connection';
import { STARTUP_MARKS, markStartup } from './worker/startupMarks';

/**
 * The page's entry, kept small: it starts what the first chart waits for before the app's own
 * code (React, the store, the panels: most of the page's JS) has even downloaded. The training
 * worker loads tfjs and initialises the backend, and the plotting library the first curves need
 * downloads, while the app chunk loads, renders and asks the worker for the first run.
 */
markStartup(STARTUP_MARKS.pageEntry);
installEarlyNcLab();
prestartLabWorker(window.location.search);
void loadPlotly('basic').catch(() => undefined);
void import('./app/start').then(({ startApp }) => startApp());
