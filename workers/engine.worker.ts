/** The engine worker entry: a dedicated module Worker that exposes EngineApi over comlink. Nothing else. */
import { expose } from 'comlink';
import { createEngine } from './engine';

expose(createEngine());
