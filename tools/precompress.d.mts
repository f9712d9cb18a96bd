// Types of precompress.mjs for the vite configs that import it.
import type { Plugin } from 'vite';

export function precompressFile(file: string): void;
export function precompressDir(dir: string): void;
export function precompress(): Plugin;
