import { useEffect, useRef, useState } from 'react';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../staff-i18n.js';

type Detector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
type DetectorConstructor = new (options: { formats: string[] }) => Detector;
type Decode = (video: HTMLVideoElement) => Promise<string | null>;

/** BarcodeDetector where the browser has it (Chrome on Android, Safari 17+), jsQR on a canvas otherwise. */
async function createDecoder(): Promise<Decode> {
  const Native = (window as unknown as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!context || !video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
}

/** The rear camera, scanning for a card QR code until one is read or the cashier closes it. */
export function CameraScanner({ onCode, onClose }: { onCode(code: string): void; onClose(): void }) {
  const { t } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let isActive = true;
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem(t('desk.camera.unavailable'));
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
      } catch {
        setProblem(t('desk.camera.denied'));
        return;
      }
      const video = videoRef.current;
      if (!video || !isActive) return;
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      const decode = await createDecoder();
      const tick = async () => {
        if (!isActive) return;
        const code = await decode(video).catch(() => null);
        if (code && isActive) onCode(code);
        else timer = setTimeout(() => void tick(), 200);
      };
      void tick();
    };
    void start();
    return () => {
      isActive = false;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onCode, t]);

  return (
    <div className="camera-scanner">
      {problem ? (
        <Notice tone="warning">{problem}</Notice>
      ) : (
        <video
          ref={videoRef}
          className="camera-video"
          muted
          playsInline
          aria-label={t('desk.camera.label')}
        />
      )}
      <button type="button" className="secondary" onClick={onClose}>
        {t('desk.camera.close')}
      </button>
    </div>
  );
}
