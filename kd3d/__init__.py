__version__ = "0.1.0"

# Before anything imports torch: idle OpenMP threads sleep instead of spinning. On a machine shared with another
# CPU-bound process, spinning threads made a training step 22x slower; sleeping ones 1.5x (chapter 17_recipe,
# "Threads on a busy machine"). Set OMP_WAIT_POLICY=ACTIVE yourself on a machine that runs nothing else.
import os as _os
_os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
