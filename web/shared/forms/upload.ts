/**
 * Photo upload for task forms: a camera photo is downscaled in the browser (longest side
 * 1600 px, JPEG) before it is sent as base64 to POST /api/files, so a 10 MB phone photo becomes a
 * few hundred KB and stays under the server's 3 MB cap.
 */
import { http } from '../http';

export interface UploadedFile {
  id: string;
  name: string;
  mime: string;
  size: number;
}

const MAX_SIDE = 1600;

function readAsDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error('无法读取文件，请重新选择'));
    r.readAsDataURL(blob);
  });
}

async function downscale(file: File): Promise<{ blob: Blob; mime: string }> {
  if (!file.type.startsWith('image/') || file.type === 'image/gif') return { blob: file, mime: file.type || 'application/octet-stream' };
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
    if (scale === 1 && file.size < 1024 * 1024) return { blob: file, mime: file.type };
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d')?.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return blob ? { blob, mime: 'image/jpeg' } : { blob: file, mime: file.type };
  } catch {
    return { blob: file, mime: file.type }; // a format the browser cannot decode (HEIC): send as is
  }
}

export async function uploadFile(file: File, taskId?: number): Promise<UploadedFile> {
  const { blob, mime } = await downscale(file);
  const dataUrl = await readAsDataUrl(blob);
  const dataBase64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const name = mime === 'image/jpeg' && !/\.jpe?g$/i.test(file.name) ? `${file.name.replace(/\.[^.]+$/, '')}.jpg` : file.name;
  const r = await http.post<{ file: UploadedFile }>('/files', { name, mime, dataBase64, taskId }, { quiet: true });
  return r.file;
}
