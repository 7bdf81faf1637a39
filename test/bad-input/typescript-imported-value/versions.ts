export const cudaAxis = {
  cu129: { args: { CUDA_VERSION: '12.9.1' } },
  cu130: { args: { CUDA_VERSION: '13.0.1' } },
};
