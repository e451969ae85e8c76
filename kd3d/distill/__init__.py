"""Knowledge distillation: the teacher/student framework (`kd3d.distill.core`) and the loss families, one module per notebook."""
