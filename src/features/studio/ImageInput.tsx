/** Drop zone + file picker for one input image, with its preview, name, remove button and load error. */
import { useId, useRef, useState, type DragEvent } from 'react';
import type { ImageModality } from '../../contracts/modality';
import { MODALITY_NAMES } from '../../domain/compose-request';
import { selectImages, selectInputErrors, selectLoadingInputs, selectOutputs } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';
import { GreyCanvas } from '../../ui/GreyCanvas';

export function ImageInput({ modality, imageSize }: { readonly modality: ImageModality; readonly imageSize: number }) {
  const named = useStudio(selectImages)[modality];
  const error = useStudio(selectInputErrors)[modality];
  const loading = useStudio(selectLoadingInputs).includes(modality);
  const isOutput = useStudio(selectOutputs).includes(modality);
  const fileInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const id = useId();
  const { loadImageFile, setImage } = studioStore.getState();
  const load = (file: File | undefined) => {
    if (file) void loadImageFile(modality, file, file.name, imageSize);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    load(e.dataTransfer.files[0]);
  };
  const title = MODALITY_NAMES[modality];
  return (
    <div className={`image-input${isOutput ? ' is-output' : ''}`} data-testid={`input-${modality}`}>
      <div className="input-title" id={`${id}-title`}>
        {modality === 'frontal' ? 'Frontal' : 'Lateral'} <span className="muted">{isOutput ? '· output' : '· input'}</span>
      </div>
      <div
        className={`drop-zone${over ? ' over' : ''}${named ? ' filled' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        aria-labelledby={`${id}-title`}
        aria-busy={loading}
      >
        {named ? (
          <GreyCanvas image={named.image} label={`${modality === 'frontal' ? 'Frontal' : 'Lateral'} image input: ${named.name}`} className="input-preview" />
        ) : (
          <p className="muted drop-hint">
            {loading
              ? 'Reading…'
              : isOutput
                ? `Made by the next run. To use an image of your own here, switch “${modality === 'frontal' ? 'Frontal' : 'Lateral'} image” off above.`
                : 'Drop a PNG, JPEG, TIFF or DICOM here'}
          </p>
        )}
      </div>
      <div className="input-actions">
        <input
          ref={fileInput}
          id={`${id}-file`}
          type="file"
          accept="image/png,image/jpeg,image/tiff,application/dicom,.png,.jpg,.jpeg,.tif,.tiff,.dcm,.dicom"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            load(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button type="button" onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>
        {named ? (
          <>
            <span className="file-name" title={named.name}>
              {named.name}
            </span>
            <button type="button" className="link-button" onClick={() => setImage(modality, null)} aria-label={`Remove the ${title}`}>
              Remove
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="error-text" data-testid={`error-${modality}`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
