/** The "Cases" screen: anonymisation twin and balanced synthetic datasets. */
import './cases.css';
import { DatasetView } from './DatasetView';
import { TwinView } from './TwinView';

export function CasesView() {
  return (
    <div className="cases-view" data-testid="cases-view">
      <TwinView />
      <DatasetView />
    </div>
  );
}
